/**
 * The /graphql route: Fastify reads the body, Yoga answers it.
 *
 * Fastify reads every body whole under the app's body limit: JSON as text, anything else as bytes. (Yoga
 * reading the socket itself cost a web-stream pipeline and an AbortSignal per request, a third of a GraphQL
 * read's CPU.)
 * A plain JSON POST is answered by Yoga's operation pipeline directly (json-post.ts); anything else
 * goes through Yoga whole, handed the bytes already read. Errors Fastify meets while reading — a body
 * too large, a Content-Length that lies — are answered in GraphQL's shape, as Yoga answers its own.
 *
 * Credentials are checked before the body is read (onRequest): a caller without a valid key costs no
 * parsing. Only GraphiQL's page and — with GRAPHQL_INTROSPECTION=public — requests without any key pass
 * without one.
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { CREDENTIAL_REQUIRED, type ApiKeys } from '../../auth/credentials.ts';
import { refuseOtherMethods } from '../../http/method-not-allowed.ts';
import { answerJsonPost } from './json-post.ts';
import type { PreparedQueries } from './prepared-queries.ts';
import { MAX_BODY_BYTES } from '../../http/body-limit.ts';
import { GRAPHQL_PATH, type GraphQLHandler } from './yoga.ts';

// OPTIONS is a CORS preflight, answered before routing for an allowed origin (http/cors.ts), else 405.
const METHODS = ['GET', 'POST'] as const;

const UNSUPPORTED_MEDIA_TYPE =
  'Send the operation as application/json (GraphQL over HTTP), or as a GET with query parameters.';

/** Fastify's refusals while reading a body, worded for a GraphQL client. */
const BODY_ERRORS: Record<string, { message: string; code: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    message: `Request body too large (the limit is ${MAX_BODY_BYTES} bytes).`,
    code: 'REQUEST_ENTITY_TOO_LARGE',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    message: 'The Content-Length header does not match the body.',
    code: 'BAD_REQUEST',
  },
};

function sendErrors(reply: FastifyReply, status: number, message: string, code?: string) {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send({ errors: [{ message, extensions: { ...(code ? { code } : {}), requestId: reply.request.id } }] });
}

/** Responses that must be streamed: subscriptions and incremental delivery. */
function isStreamed(response: Response): boolean {
  const type = response.headers.get('content-type') ?? '';
  return type.includes('text/event-stream') || type.includes('multipart/');
}

/**
 * What Yoga's Node adapter reads of a request, with the bytes Fastify has read as its body. (The socket
 * itself has been drained, so it must not be offered again: a request without a body gets an empty one.)
 */
function withReadBody(request: FastifyRequest) {
  const { method, url, headers, socket } = request.raw;
  const read = request.body as Buffer | string | undefined;
  const body = typeof read === 'string' ? Buffer.from(read, 'utf8') : read;
  if (body && body.length > 0) return { method, url, headers, socket, body };
  return { method, url, headers, socket, async *[Symbol.asyncIterator]() {} };
}

export interface GraphQLRouteOptions {
  yoga: GraphQLHandler;
  apiKeys: ApiKeys;
  /** Requests without a key may run operations (GRAPHQL_INTROSPECTION=public: the schema, nothing else). */
  anonymousOperations: boolean;
  graphiql: boolean;
  /** Queries answered again without Yoga (absent with tracing). */
  prepared?: PreparedQueries;
}

/** A browser asking for GraphiQL's page: Yoga answers such a GET with the page, never with an operation. */
function asksForGraphiQL(request: FastifyRequest): boolean {
  return request.method === 'GET' && !!request.headers.accept?.includes('text/html');
}

export const graphqlRoute: FastifyPluginAsync<GraphQLRouteOptions> = async (scope, options) => {
  const { yoga, apiKeys } = options;
  async function authenticate(request: FastifyRequest, reply: FastifyReply) {
    if (options.graphiql && asksForGraphiQL(request)) return;
    const credential = apiKeys.authenticate({ get: (name) => request.headers[name] });
    if (credential.kind === 'valid' || (credential.kind === 'none' && options.anonymousOperations)) return;
    reply.header('WWW-Authenticate', 'Bearer');
    return sendErrors(
      reply,
      401,
      credential.kind === 'invalid' ? credential.reason : CREDENTIAL_REQUIRED,
      'UNAUTHENTICATED',
    );
  }

  scope.removeAllContentTypeParsers();
  // JSON as text, decoded as it is read, for json-post.ts to parse (measured cheaper than bytes decoded
  // afterwards); anything else as bytes, for Yoga.
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  scope.setErrorHandler((error, _request, reply) => {
    const known = BODY_ERRORS[(error as { code?: string }).code ?? ''];
    if (known)
      return sendErrors(reply, (error as { statusCode?: number }).statusCode ?? 400, known.message, known.code);
    throw error;
  });

  scope.route({
    url: GRAPHQL_PATH,
    method: [...METHODS],
    onRequest: authenticate,
    handler: async (request, reply) => {
      const answer = await answerJsonPost(yoga, request, reply, options.prepared);
      if (answer) return reply.code(answer.status).headers(answer.headers).send(answer.body);
      const response = await yoga.handleNodeRequestAndResponse(withReadBody(request), reply.raw, {
        req: request,
        reply,
      });
      if (isStreamed(response)) return reply.send(response);
      // A single result is complete once made: sent as one string (one write, with Content-Length) rather
      // than piped through a web stream chunk by chunk.
      reply.code(response.status);
      for (const [name, value] of response.headers) reply.header(name, value);
      // GraphiQL's page may carry the development key: never kept by a cache.
      if (response.headers.get('content-type')?.startsWith('text/html')) reply.header('Cache-Control', 'no-store');
      const body = await response.text();
      // Yoga refuses some requests (an unsupported Content-Type: 415) with no body at all.
      if (body === '' && response.status >= 400) {
        return sendErrors(
          reply,
          response.status,
          response.status === 415 ? UNSUPPORTED_MEDIA_TYPE : `${STATUS_CODES[response.status]}.`,
        );
      }
      return reply.send(body);
    },
  });
  refuseOtherMethods(scope, GRAPHQL_PATH, [...METHODS]);
};
