/** The GraphQL door: Yoga over the Pothos schema, error masking on, GraphiQL served from the service itself. */
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { createYoga, maskError, type GraphiQLOptions } from 'graphql-yoga';
import type { ApiKeys, Headers as CredentialHeaders } from '../../auth/credentials.ts';
import type { IntrospectionAccess } from '../../config.ts';
import { DatabaseUnavailableError } from '../../portals/errors.ts';
import type { PortalChangeFeed } from '../../portals/mongo/change-feed.ts';
import type { PortalService } from '../../portals/service.ts';
import { unauthenticated, type GraphQLContext } from '../schema/context.ts';
import type { WriteBudget } from '../../limits/write-budget.ts';
import { compiledExecution } from './compiled-execution.ts';
import type { PreparedQueries } from './prepared-queries.ts';
import { mayShowDevelopmentKey } from './development-key-exposure.ts';
import { GRAPHIQL_EXAMPLES } from './graphiql.ts';
import type { GraphiQLAssets } from './graphiql-assets.ts';
import { renderGraphiQLPage } from './graphiql-page.ts';
import { queryLimits, withoutIntrospection, writeBudgetPlugin } from './plugins.ts';
import { operationMetrics } from './operation-metrics.ts';
import { eventStreamWithIds } from './event-stream.ts';
import { rememberOriginal, requestIdentity } from './request-identity.ts';
import type { ServiceMetrics } from '../../observability/metrics.ts';
import type { Tracing } from '../../observability/tracing.ts';
import { operationTracing } from './operation-tracing.ts';

export const GRAPHQL_PATH = '/graphql';

export interface YogaOptions {
  schema: GraphQLSchema;
  portals: PortalService;
  /** Live changes for subscriptions; absent: subscriptions answer CHANGE_STREAMS_UNSUPPORTED. */
  changes?: PortalChangeFeed;
  apiKeys: ApiKeys;
  logger: FastifyBaseLogger;
  writeBudget: WriteBudget;
  graphiql: boolean;
  /** The files GraphiQL's page loads. */
  graphiqlAssets: GraphiQLAssets;
  introspection: IntrospectionAccess;
  /** "Did you mean …?" hints reveal the schema; production hides them. */
  hideFieldSuggestions: boolean;
  /** Pre-filled in GraphiQL's headers so a newcomer can run the examples at once (this machine only). */
  graphiqlApiKey?: string;
  metrics?: ServiceMetrics;
  tracing?: Tracing;
  /** Told of the queries it may answer again by itself (absent with tracing). */
  prepared?: PreparedQueries;
}

interface ServerContext {
  req: FastifyRequest;
  reply: FastifyReply;
}

export type GraphQLHandler = ReturnType<typeof createGraphQLHandler>;

export function createGraphQLHandler(options: YogaOptions) {
  const { logger } = options;
  return createYoga<ServerContext, GraphQLContext>({
    schema: options.schema,
    graphqlEndpoint: GRAPHQL_PATH,
    // Fastify reads and limits the body (route.ts).
    maxRequestBodySize: false,
    logging: {
      debug: (...args) => logger.debug(args),
      info: (...args) => logger.info(args),
      warn: (...args) => logger.warn(args),
      error: (...args) => logger.error(args),
    },
    renderGraphiQL: async (page: GraphiQLOptions) => renderGraphiQLPage(page, await options.graphiqlAssets.urls()),
    graphiql:
      options.graphiql &&
      ((_request, { req }) => {
        const headers =
          options.graphiqlApiKey && mayShowDevelopmentKey(req)
            ? JSON.stringify({ 'REB-APIKEY': options.graphiqlApiKey }, null, 2)
            : undefined;
        return {
          title: 'Billing portals · GraphiQL',
          defaultTabs: GRAPHIQL_EXAMPLES.map((query) => ({ query, headers })),
          headers,
        };
      }),
    batching: false,
    // Yoga's own CORS reflects any origin; cross-origin access is the app's one policy (http/cors.ts).
    cors: false,
    plugins: [
      ...(options.tracing ? [operationTracing(options.tracing)] : []),
      queryLimits({ hideFieldSuggestions: options.hideFieldSuggestions }),
      ...(options.introspection === 'off' ? [withoutIntrospection()] : []),
      writeBudgetPlugin(options.writeBudget),
      compiledExecution(options.prepared),
      requestIdentity(),
      eventStreamWithIds(),
      ...(options.metrics ? [operationMetrics(options.metrics)] : []),
    ],
    maskedErrors: {
      // Never a stack trace or a parser's message in a response, whatever NODE_ENV says.
      isDev: false,
      maskError(error, message, isDev) {
        const original = error instanceof GraphQLError ? error.originalError : error;
        // Yoga parses GET's `variables` and `extensions` with JSON.parse and lets its SyntaxError through.
        if (original instanceof SyntaxError) {
          return new GraphQLError('A request parameter is not valid JSON.', {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
          });
        }
        if (original instanceof DatabaseUnavailableError) {
          return new GraphQLError(original.message, {
            extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } },
          });
        }
        const masked = maskError(error, message, isDev);
        return masked === error ? masked : rememberOriginal(masked, original ?? error);
      },
    },
    context: ({ request }) => graphqlContext(options, request.headers),
  });
}

/**
 * What the resolvers are given for a request with these headers (on Yoga's path and for prepared queries).
 * A request without a key gets this far only with GRAPHQL_INTROSPECTION=public (route.ts): it may read
 * the schema; its portal fields refuse it.
 */
export type ContextSources = Pick<YogaOptions, 'apiKeys' | 'portals' | 'changes'>;

export function graphqlContext(sources: ContextSources, headers: CredentialHeaders): GraphQLContext {
  const credential = sources.apiKeys.authenticate(headers);
  if (credential.kind === 'invalid') throw unauthenticated(credential.reason);
  const lastEventId = headers.get('last-event-id');
  return {
    organizationId: credential.kind === 'valid' ? credential.organizationId : undefined,
    apiKeyName: credential.kind === 'valid' ? credential.apiKeyName : undefined,
    portals: sources.portals,
    changes: sources.changes,
    lastEventId: (Array.isArray(lastEventId) ? lastEventId.join(', ') : lastEventId) ?? undefined,
    delivery: {},
  };
}
