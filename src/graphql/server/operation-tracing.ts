/**
 * A span per executed GraphQL operation, under the request's: named `mutation UpsertPortal` (the type
 * alone for an anonymous operation) with `graphql.operation.type` and `graphql.operation.name`, and
 * marked an error when the result has errors. It wraps Yoga's whole execute phase, the plugins' onExecute
 * hooks included, so the write budget's database command is under it too. An operation refused before it
 * runs (unparsable, invalid, unauthenticated) has none: the HTTP span and its status tell that.
 */
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Span } from '@opentelemetry/api';
import type { Tracing } from '../../observability/tracing.ts';

/** The span's name before the operation is known, as the semantic conventions name it. */
const UNKNOWN_OPERATION = 'GraphQL Operation';

export function operationTracing(tracing: Tracing): Plugin {
  // Which active spans are this plugin's (rather than the request's, were the execute phase not wrapped).
  const operationSpans = new WeakSet<Span>();
  return {
    instrumentation: {
      execute: (_payload, wrapped) =>
        tracing.inChildSpan(UNKNOWN_OPERATION, {}, async (span) => {
          if (span) operationSpans.add(span);
          await wrapped();
        }),
    },
    onExecute({ args }) {
      const span = tracing.activeSpan();
      if (!span || !operationSpans.has(span)) return;
      const operation = getOperationAST(args.document, args.operationName);
      tracing.nameOperation(span, operation?.operation ?? 'unknown', operation?.name?.value);
      return {
        onExecuteDone({ result }) {
          if ('errors' in result && result.errors?.length) tracing.markFailed(span);
        },
      };
    },
  };
}
