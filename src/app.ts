/** The HTTP shell: Fastify with Yoga at /graphql, the REST routes, health checks and problem errors. */
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import type { ApiKeys } from './auth/credentials.ts';
import type { Config, IntrospectionAccess } from './config.ts';
import { graphqlRoute } from './graphql/server/route.ts';
import { GraphiQLAssets } from './graphql/server/graphiql-assets.ts';
import { createGraphQLHandler } from './graphql/server/yoga.ts';
import { PreparedQueries } from './graphql/server/prepared-queries.ts';
import type { PortalChangeFeed } from './portals/mongo/change-feed.ts';
import type { PortalService } from './portals/service.ts';
import { discardUnreadBody, MAX_BODY_BYTES } from './http/body-limit.ts';
import { answerUnreadableRequest, CLIENT_ERROR_DETAILS, VALID_HOST } from './http/client-errors.ts';
import { crossOriginAccess, type CorsOrigins } from './http/cors.ts';
import { healthRoutes } from './http/health.ts';
import { requestIdOf } from './http/request-id.ts';
import { refuseOtherMethods } from './http/method-not-allowed.ts';
import { INTERNAL_ERROR, problem, sendProblem } from './http/problem.ts';
import { sendDomainProblem } from './rest/domain-problems.ts';
import { buildOpenApiDocument } from './rest/openapi.ts';
import { restRoutes } from './rest/routes.ts';
import { storefrontRoutes } from './rest/storefront-routes.ts';
import { WriteBudget } from './limits/write-budget.ts';
import { CoalescingWriteCounter, type WriteCounter } from './limits/write-counter.ts';
import type { ServiceMetrics } from './observability/metrics.ts';
import { metricsRoute } from './observability/metrics-route.ts';
import type { Tracing } from './observability/tracing.ts';
import { traceHttpRequests } from './observability/http-spans.ts';

/** The knobs of the HTTP shell, from the configuration (see config.ts for their meaning). */
export interface AppSettings {
  writesPerMinute: number;
  graphiql: boolean;
  introspection: IntrospectionAccess;
  hideFieldSuggestions: boolean;
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  /** Browser origins allowed to call either door (`*`: any); empty: no CORS headers at all. */
  corsOrigins: CorsOrigins;
  /** The proxies whose X-Forwarded-Proto/-Host are believed (addresses, CIDRs); empty: none. */
  trustProxy: string[];
}

export const DEFAULT_APP_SETTINGS: AppSettings = {
  writesPerMinute: 1000,
  graphiql: true,
  introspection: 'authenticated',
  hideFieldSuggestions: false,
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  trustProxy: [],
  corsOrigins: [],
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
    corsOrigins: config.corsOrigins,
  };
}

export interface AppOptions {
  schema: GraphQLSchema;
  portals: PortalService;
  /** Live changes for GraphQL subscriptions; absent: subscriptions are refused with a clear error. */
  changes?: PortalChangeFeed;
  apiKeys: ApiKeys;
  /** Answers when the database does; rejects (or resolves false) when it does not. */
  databaseReady: () => Promise<boolean>;
  /** Where the write budget (RATE_LIMIT) is counted: shared by every instance on the database. */
  writeCounter: WriteCounter;
  graphiqlApiKey?: string;
  logger?: FastifyServerOptions['logger'];
  settings?: Partial<AppSettings>;
  /** Collected and served at /metrics to holders of the token (METRICS_TOKEN); absent: no metrics. */
  metrics?: { collector: ServiceMetrics; token: string };
  /** A span per request, GraphQL operation and database command (OTEL_EXPORTER_OTLP_ENDPOINT); absent: none. */
  tracing?: Tracing;
}

const HOST_NOT_A_HOST_NAME = 'The Host header (or X-Forwarded-Host from a trusted proxy) is not a host name.';

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const settings = { ...DEFAULT_APP_SETTINGS, ...options.settings };
  const writeBudget = new WriteBudget(settings.writesPerMinute, new CoalescingWriteCounter(options.writeCounter));
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: MAX_BODY_BYTES,
    // Long ids get the usual 404/422 from the handlers rather than a router error.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 65_535 },
    // Behind the named proxies, links and Location follow X-Forwarded-Proto/-Host (TRUST_PROXY).
    trustProxy: settings.trustProxy.length > 0 ? settings.trustProxy : false,
    // Slow or stalled clients are cut off: whole request, headers, and idle keep-alive sockets.
    requestTimeout: settings.requestTimeoutMs,
    http: {
      headersTimeout: settings.headersTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, settings.headersTimeoutMs),
    },
    keepAliveTimeout: 5000,
    // While closing, requests that arrive on open connections get our own problem body (below).
    return503OnClosing: false,
    // Errors met before routing (a malformed URL, headers too large) get problem bodies too.
    frameworkErrors: (_error, _request, reply) => sendProblem(reply, problem(400, 'The request URL is malformed.')),
    clientErrorHandler: answerUnreadableRequest,
    genReqId: requestIdOf,
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
  });

  // First, so that the server span covers every other hook.
  if (options.tracing) traceHttpRequests(app, options.tracing);

  const metrics = options.metrics?.collector;
  if (metrics) {
    const { changes } = options;
    metrics.countersFrom({
      writeBudgetRefusals: () => writeBudget.refusals,
      ...(changes ? { openSubscriptions: () => changes.subscriberCount } : {}),
    });
    app.addHook('onResponse', async (request, reply) => {
      // The route's template, never the raw URL: ids must not become label values.
      metrics.httpRequest(
        request.method,
        request.routeOptions.url ?? '(unmatched)',
        reply.statusCode,
        reply.elapsedTime / 1000,
      );
    });
  }

  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
    // Event streams never end by themselves: ended here (each with an error event saying why), so that
    // closing the server, which waits for open responses, can finish.
    await options.changes?.close();
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
    if (closing) {
      reply.header('Connection', 'close');
      return sendProblem(reply, problem(503, 'The service is shutting down; retry on another instance.'));
    }
    // Links and Location are built from the scheme and Host (or a trusted proxy's X-Forwarded-*): they must be ones.
    if (!VALID_HOST.test(request.host)) return sendProblem(reply, problem(400, HOST_NOT_A_HOST_NAME));
    if (request.protocol !== 'http' && request.protocol !== 'https') {
      return sendProblem(reply, problem(400, 'X-Forwarded-Proto must be http or https.'));
    }
  });

  // While closing, the connection of an answer sent before its body closes at once (the 503 above says so).
  app.addHook('onSend', async (request, reply) => {
    if (!closing) discardUnreadBody(request, reply);
  });

  // Before every route: one cross-origin policy for both doors, preflights answered alike.
  await crossOriginAccess(app, settings.corsOrigins);

  app.setErrorHandler((error, request, reply) => {
    const answered = sendDomainProblem(reply, error);
    if (answered) return answered;
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
  // The server is where the caller found the document (behind a proxy: as TRUST_PROXY lets it say).
  app.get('/openapi.json', async (request) => ({
    ...openApiDocument,
    servers: [{ url: `${request.protocol}://${request.host}`, description: 'this service' }],
  }));
  refuseOtherMethods(app, '/openapi.json', ['GET']);
  await app.register(healthRoutes, { databaseReady: options.databaseReady });
  if (options.metrics)
    await app.register(metricsRoute, { metrics: options.metrics.collector, token: options.metrics.token });

  await app.register(restRoutes, {
    schema: options.schema,
    portals: options.portals,
    apiKeys: options.apiKeys,
    writeBudget,
    tracing: options.tracing,
  });
  await app.register(storefrontRoutes, { portals: options.portals });

  const graphiqlAssets = new GraphiQLAssets();
  if (settings.graphiql) await app.register(graphiqlAssets.routes());
  // Tracing needs Yoga's hooks for its spans: no query is answered around them then.
  const preparedQueries = options.tracing
    ? undefined
    : new PreparedQueries({
        schema: options.schema,
        sources: { apiKeys: options.apiKeys, portals: options.portals, changes: options.changes },
        metrics,
      });
  if (preparedQueries) metrics?.countersFrom({ preparedQueries: () => preparedQueries.counts });
  const yoga = createGraphQLHandler({
    schema: options.schema,
    portals: options.portals,
    changes: options.changes,
    apiKeys: options.apiKeys,
    logger: app.log,
    writeBudget,
    graphiql: settings.graphiql,
    graphiqlAssets,
    introspection: settings.introspection,
    hideFieldSuggestions: settings.hideFieldSuggestions,
    graphiqlApiKey: options.graphiqlApiKey,
    metrics,
    tracing: options.tracing,
    prepared: preparedQueries,
  });
  await app.register(graphqlRoute, {
    yoga,
    apiKeys: options.apiKeys,
    anonymousOperations: settings.introspection === 'public',
    graphiql: settings.graphiql,
    prepared: preparedQueries,
  });

  return app;
}
