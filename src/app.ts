/** The HTTP shell: Fastify with Yoga at /graphql, the REST routes, health checks and problem errors. */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import type { ApiKeys } from './auth/credentials.js';
import type { Config } from './config.js';
import { graphqlRoute } from './graphql/route.js';
import { createGraphQLHandler, MAX_BODY_BYTES } from './graphql/yoga.js';
import type { PortalService } from './portals/service.js';
import { INTERNAL_ERROR, problem, problemForError, sendProblem } from './rest/problem.js';
import { buildOpenApiDocument } from './rest/openapi.js';
import { refuseOtherMethods } from './rest/method-not-allowed.js';
import { restRoutes } from './rest/routes.js';
import { storefrontRoutes } from './rest/storefront-routes.js';
import { WriteBudget } from './limits/write-budget.js';

/** The knobs of the HTTP shell, from the configuration (see config.ts for their meaning). */
export interface AppSettings {
  writesPerMinute: number;
  graphiql: boolean;
  introspection: boolean;
  hideFieldSuggestions: boolean;
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  trustProxy: boolean;
}

export const DEFAULT_APP_SETTINGS: AppSettings = {
  writesPerMinute: 1000,
  graphiql: true,
  introspection: true,
  hideFieldSuggestions: false,
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  trustProxy: false,
};

/** The shell's settings as the configuration gives them. */
export function settingsFromConfig(config: Config): AppSettings {
  return {
    writesPerMinute: config.writesPerMinute,
    graphiql: config.graphiql,
    introspection: config.introspection,
    hideFieldSuggestions: config.nodeEnv === 'production',
    requestTimeoutMs: config.requestTimeoutMs,
    headersTimeoutMs: config.headersTimeoutMs,
    trustProxy: config.trustProxy,
  };
}

export interface AppOptions {
  schema: GraphQLSchema;
  portals: PortalService;
  apiKeys: ApiKeys;
  /** Answers when the database does; rejects (or resolves false) when it does not. */
  databaseReady: () => Promise<boolean>;
  graphiqlApiKey?: string;
  logger?: FastifyServerOptions['logger'];
  settings?: Partial<AppSettings>;
}

/** A Host header that is a host name or an IP literal, with an optional port. */
const VALID_HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** Fastify's own client errors, by code, that we answer with a problem body of the same status. */
const CLIENT_ERROR_DETAILS: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'The request body must be application/json.',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The Content-Length header does not match the body.',
  FST_ERR_CTP_BODY_TOO_LARGE: `The request body is larger than ${MAX_BODY_BYTES} bytes.`,
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The request body is empty; send a JSON object.',
  FST_ERR_CTP_INVALID_JSON_BODY: 'The request body is not valid JSON.',
};

/**
 * A request Node's parser could not read (headers too large, a stalled client, garbage): answered
 * with a problem body on the raw socket, which is then closed.
 */
function answerUnreadableRequest(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, detail] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'The request was not received in time.']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'The request headers are too large.']
        : [400, 'The request could not be read as HTTP.'];
  const body = JSON.stringify(problem(status, detail));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const settings = { ...DEFAULT_APP_SETTINGS, ...options.settings };
  const writeBudget = new WriteBudget(settings.writesPerMinute);
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: MAX_BODY_BYTES,
    // Long ids get the usual 404/422 from the handlers rather than a router error.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 65_535 },
    // Behind a proxy, links and Location follow X-Forwarded-Proto/-Host (TRUST_PROXY).
    trustProxy: settings.trustProxy,
    // Slow or stalled clients are cut off: whole request, headers, and idle keep-alive sockets.
    requestTimeout: settings.requestTimeoutMs,
    http: { headersTimeout: settings.headersTimeoutMs, connectionsCheckingInterval: Math.min(1000, settings.headersTimeoutMs) },
    keepAliveTimeout: 5000,
    // While closing, requests that arrive on open connections get our own problem body (below).
    return503OnClosing: false,
    // Errors met before routing (a malformed URL, headers too large) get problem bodies too.
    frameworkErrors: (_error, _request, reply) => sendProblem(reply, problem(400, 'The request URL is malformed.')),
    clientErrorHandler: answerUnreadableRequest,
  });

  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (request, reply) => {
    if (closing) {
      reply.header('Connection', 'close');
      return sendProblem(reply, problem(503, 'The service is shutting down; retry on another instance.'));
    }
    // Links and Location are built from the Host: it must be one.
    if (!VALID_HOST.test(request.host)) return sendProblem(reply, problem(400, 'The Host header is not a host name.'));
  });

  app.setErrorHandler((error, request, reply) => {
    const known = problemForError(error);
    if (known) return sendProblem(reply, known);
    const { statusCode, code } = error as { statusCode?: number; code?: string };
    if (statusCode && statusCode >= 400 && statusCode < 500) {
      const detail = (code && CLIENT_ERROR_DETAILS[code]) ?? 'The request could not be read.';
      return sendProblem(reply, problem(statusCode, detail));
    }
    request.log.error({ err: error }, 'unexpected error');
    return sendProblem(reply, INTERNAL_ERROR);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problem(404, `No resource at ${request.method} ${request.url.split('?')[0]}.`)),
  );

  const openApiDocument = buildOpenApiDocument();
  app.get('/openapi.json', async () => openApiDocument);
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const ready = await options.databaseReady().catch(() => false);
    if (!ready) return sendProblem(reply, problem(503, 'The database is not answering.'));
    return { status: 'ready' };
  });
  for (const url of ['/openapi.json', '/healthz', '/readyz']) refuseOtherMethods(app, url, ['GET']);

  await app.register(restRoutes, {
    schema: options.schema,
    portals: options.portals,
    apiKeys: options.apiKeys,
    writeBudget,
  });
  await app.register(storefrontRoutes, { portals: options.portals });

  const yoga = createGraphQLHandler({
    schema: options.schema,
    portals: options.portals,
    apiKeys: options.apiKeys,
    logger: app.log,
    writeBudget,
    graphiql: settings.graphiql,
    introspection: settings.introspection,
    hideFieldSuggestions: settings.hideFieldSuggestions,
    graphiqlApiKey: options.graphiqlApiKey,
  });
  await app.register(graphqlRoute, { yoga });

  return app;
}
