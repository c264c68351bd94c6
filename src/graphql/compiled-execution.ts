/**
 * Executes queries with graphql-jit: each query of a document is compiled once into a plain function,
 * which runs a portal read in a fraction of the generic executor's time (see BENCHMARKS.md).
 *
 * The compiled function answers only where its answer is exactly the executor's: a query whose result
 * has no errors. A result with errors is thrown away and the query run again by the executor, so that
 * errors keep the executor's wording and their source locations (graphql-jit's errors lose them on the
 * way through Yoga); a read is safe to run twice. Left to the executor from the start: mutations (never
 * run twice), subscriptions, a document whose operation cannot be picked, and variables that do not
 * coerce (graphql-js names the scalar's rule, e.g. "DateTime must be an RFC 3339 date-time …").
 */
import { getOperationAST, getVariableValues, type DocumentNode, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';

/** Compiled operations of one parsed document (Yoga's parse cache hands out the same object per text). */
type CompiledOperations = Map<string, CompiledQuery | undefined>;

export function compiledExecution(): Plugin {
  const compiledByDocument = new WeakMap<DocumentNode, CompiledOperations>();

  function compiled(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined): CompiledQuery | undefined {
    let operations = compiledByDocument.get(document);
    if (!operations) compiledByDocument.set(document, (operations = new Map()));
    // Keyed by operation too: one document may hold several operations, picked per request by name.
    const key = operationName ?? '';
    if (operations.has(key)) return operations.get(key);
    const result = compileQuery(schema, document, operationName);
    const query = isCompiledQuery(result) ? result : undefined;
    operations.set(key, query);
    return query;
  }

  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const operationName = args.operationName ?? undefined;
      const operation = getOperationAST(args.document, operationName);
      if (operation?.operation !== 'query') return;
      const coerced = getVariableValues(args.schema, operation.variableDefinitions ?? [], args.variableValues ?? {});
      if (coerced.errors) return;
      const query = compiled(args.schema, args.document, operationName);
      if (!query) return;
      setExecuteFn(async (execution: ExecutionArgs) => {
        const result = await query.query(execution.rootValue, execution.contextValue, execution.variableValues);
        return result.errors?.length ? executeFn(execution) : result;
      });
    },
  };
}
