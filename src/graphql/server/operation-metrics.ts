/** Counts executed GraphQL operations by name and type, and the errors of every result by code. */
import { getOperationAST, type GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ServiceMetrics } from '../../observability/metrics.ts';

function isIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

export function operationMetrics(metrics: ServiceMetrics): Plugin {
  return {
    onExecute({ args }) {
      const operation = getOperationAST(args.document, args.operationName);
      metrics.graphqlOperation(operation?.name?.value, operation?.operation ?? 'unknown');
    },
    onExecutionResult({ result }) {
      if (isIterable(result)) return;
      for (const single of Array.isArray(result) ? result : [result]) {
        for (const error of (single.errors ?? []) as readonly GraphQLError[]) {
          const code = error.extensions?.code;
          metrics.graphqlError(typeof code === 'string' ? code : undefined);
        }
      }
    },
  };
}
