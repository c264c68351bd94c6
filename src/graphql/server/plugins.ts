/**
 * What the GraphQL door adds to Yoga: query limits (graphql-armor), the shared write budget for
 * mutations, and switching introspection off by configuration.
 */
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import {
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  getOperationAST,
  type DocumentNode,
  type FragmentDefinitionNode,
  type ValidationContext,
  type SelectionSetNode,
} from 'graphql';
import type { FastifyReply } from 'fastify';
import type { Plugin } from 'graphql-yoga';
import { RATE_LIMITED_DETAIL, rateLimitHeaders, type WriteBudget } from '../../limits/write-budget.ts';
import type { GraphQLContext } from '../schema/context.ts';

/**
 * Limits chosen so that every operation a client needs passes — a `billingPortals` page with every
 * field is depth 6 and, by graphql-armor's measure, costs about 16,300; an upsert with every field
 * about 170 — while deep (`__type` cycles), wide (many aliased pages) or aliased abuse is refused
 * before it runs. `__schema` (GraphiQL's own introspection) is exempt from depth and cost; the token
 * limit bounds it.
 */
export const QUERY_LIMITS = {
  maxDepth: 8,
  maxCost: 50_000,
  maxAliases: 10,
  maxDirectives: 10,
  maxTokens: 2000,
} as const;

/**
 * graphql-armor words a refusal as a "Syntax Error"; reported instead as what it is, with a code a
 * client can test. (The token limit acts while parsing, before there is a validation context, so it
 * keeps armor's own error.)
 */
const reportAsLimit = {
  propagateOnRejection: false,
  onReject: [
    (context: ValidationContext | null, error: GraphQLError) =>
      context?.reportError(
        new GraphQLError(error.message.replace(/^Syntax Error: /, ''), {
          extensions: { code: 'QUERY_LIMIT_EXCEEDED' },
        }),
      ),
  ],
};

export function queryLimits(options: { hideFieldSuggestions: boolean }) {
  return EnvelopArmorPlugin({
    maxDepth: { n: QUERY_LIMITS.maxDepth, ignoreIntrospection: true, flattenFragments: true, ...reportAsLimit },
    costLimit: { maxCost: QUERY_LIMITS.maxCost, ignoreIntrospection: true, flattenFragments: true, ...reportAsLimit },
    maxAliases: { n: QUERY_LIMITS.maxAliases, ...reportAsLimit },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives, ...reportAsLimit },
    maxTokens: { n: QUERY_LIMITS.maxTokens },
    blockFieldSuggestion: { enabled: options.hideFieldSuggestions },
  });
}

export function withoutIntrospection(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}

/** How many mutation fields an operation runs at its root, through fragments too. */
function rootFieldCount(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  seen = new Set<string>(),
): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (!selection.name.value.startsWith('__')) count += 1;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      count += rootFieldCount(selection.selectionSet, fragments, seen);
    } else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment) count += rootFieldCount(fragment.selectionSet, fragments, seen);
    }
  }
  return count;
}

/**
 * Every mutation field spends one write of the caller's organization; over budget → 429. The
 * budget's headers go on the response, as at the REST door: set on the Fastify reply the server
 * context carries, which both ways of answering (route.ts) send.
 */
export function writeBudgetPlugin(budget: WriteBudget): Plugin<GraphQLContext & { reply: FastifyReply }> {
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const document: DocumentNode = args.document;
      const operation = getOperationAST(document, args.operationName);
      const { organizationId, reply } = args.contextValue;
      if (operation?.operation !== 'mutation' || organizationId === undefined) return;
      const fragments = new Map(
        document.definitions
          .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
          .map((d) => [d.name.value, d]),
      );
      const writes = rootFieldCount(operation.selectionSet, fragments);
      if (writes === 0) return;
      const decision = await budget.spend(organizationId, writes);
      if (!decision) return;
      reply.headers(rateLimitHeaders(decision));
      if (decision.allowed) return;
      setResultAndStopExecution({
        errors: [
          new GraphQLError(RATE_LIMITED_DETAIL, {
            extensions: { code: 'RATE_LIMITED', http: { status: 429 } },
          }),
        ],
      });
    },
  };
}
