/** The GraphQL door: Yoga over the Pothos schema, error masking on, GraphiQL served offline. */
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { createYoga, maskError, type GraphiQLOptions } from 'graphql-yoga';
import type { ApiKeys } from '../../auth/credentials.ts';
import { DatabaseUnavailableError } from '../../portals/errors.ts';
import type { PortalService } from '../../portals/service.ts';
import { unauthenticated, type GraphQLContext } from '../schema/context.ts';
import type { WriteBudget } from '../../limits/write-budget.ts';
import { compiledExecution } from './compiled-execution.ts';
import { GRAPHIQL_EXAMPLE_OPERATIONS } from './graphiql.ts';
import { queryLimits, withoutIntrospection, writeBudgetPlugin } from './plugins.ts';
import { operationMetrics } from './operation-metrics.ts';
import { rememberOriginal, requestIdentity } from './request-identity.ts';
import type { ServiceMetrics } from '../../observability/metrics.ts';

export const GRAPHQL_PATH = '/graphql';

export interface YogaOptions {
  schema: GraphQLSchema;
  portals: PortalService;
  apiKeys: ApiKeys;
  logger: FastifyBaseLogger;
  writeBudget: WriteBudget;
  graphiql: boolean;
  introspection: boolean;
  /** "Did you mean …?" hints reveal the schema; production hides them. */
  hideFieldSuggestions: boolean;
  /** Pre-filled in GraphiQL's headers so a newcomer can run the examples at once. */
  graphiqlApiKey?: string;
  metrics?: ServiceMetrics;
}

interface ServerContext {
  req: FastifyRequest;
  reply: FastifyReply;
}

export type GraphQLHandler = ReturnType<typeof createGraphQLHandler>;

/**
 * GraphiQL's page, rendered once per set of options. Its bundle is loaded by the first page view (it took
 * a large share of start-up), and rendering the multi-megabyte page cost more than sending it.
 */
function graphiqlRenderer(): (options: GraphiQLOptions) => Promise<string> {
  let rendered: { options: string; page: string } | undefined;
  return async (options) => {
    const key = JSON.stringify(options);
    if (rendered?.options !== key) {
      const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
      rendered = { options: key, page: renderGraphiQL(options) };
    }
    return rendered.page;
  };
}

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
    renderGraphiQL: graphiqlRenderer(),
    graphiql: options.graphiql && {
      title: 'Billing portals · GraphiQL',
      defaultQuery: GRAPHIQL_EXAMPLE_OPERATIONS,
      headers: options.graphiqlApiKey ? JSON.stringify({ 'REB-APIKEY': options.graphiqlApiKey }, null, 2) : undefined,
    },
    batching: false,
    plugins: [
      queryLimits({ hideFieldSuggestions: options.hideFieldSuggestions }),
      ...(options.introspection ? [] : [withoutIntrospection()]),
      writeBudgetPlugin(options.writeBudget),
      compiledExecution(),
      requestIdentity(),
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
    // Without a key a request may still read the schema (GraphiQL's docs); its portal fields refuse it.
    context: ({ request }): GraphQLContext => {
      const credential = options.apiKeys.authenticate(request.headers);
      if (credential.kind === 'invalid') throw unauthenticated(credential.reason);
      return {
        organizationId: credential.kind === 'valid' ? credential.organizationId : undefined,
        apiKeyName: credential.kind === 'valid' ? credential.apiKeyName : undefined,
        portals: options.portals,
      };
    },
  });
}
