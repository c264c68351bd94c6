/**
 * Executes queries with graphql-jit: each query of a document is compiled once into a plain function,
 * which runs a portal read in a fraction of the generic executor's time (see BENCHMARKS.md).
 *
 * The compiled function answers only where its answer is exactly the executor's: a query whose result
 * has no errors. A result with errors is thrown away and the query run again by the executor, so that
 * errors keep the executor's wording and their source locations (graphql-jit's errors lose them on the
 * way through Yoga); a read is safe to run twice. One exception: when every error says the database is
 * unavailable, the compiled result stands (error masking replaces such errors with a new one anyway),
 * because running again would only wait for the database a second time. Left to the executor from the start: mutations
 * (never run twice), subscriptions, a document whose operation cannot be picked, and variables that
 * do not coerce (graphql-js names the scalar's rule, e.g. "DateTime must be an RFC 3339 date-time …").
 */
import {
  getOperationAST,
  getVariableValues,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';
import { DatabaseUnavailableError } from '../../portals/errors.ts';
import type { EarlierRun, PreparedQueries } from './prepared-queries.ts';

/** How many runs of an operation the executor makes before it is compiled: a one-off query never is. */
const COMPILE_ON_RUN = 2;

interface OperationEntry {
  runs: number;
  /** null: graphql-jit could not compile it. */
  compiled?: CompiledQuery | null;
}

/** Every error says the database is unavailable: running again would only wait for it a second time. */
function unavailableOnly(result: ExecutionResult): boolean {
  return !!result.errors?.every((error) => error.originalError instanceof DatabaseUnavailableError);
}

/** `prepared`: told of each query the compiled form answered without errors (prepared-queries.ts). */
export function compiledExecution(prepared?: PreparedQueries): Plugin {
  // Per parsed document (Yoga's parse cache hands out the same object for the same text, and lets go
  // of it when evicted), per operation: one document may hold several, picked per request by name.
  const operationsByDocument = new WeakMap<DocumentNode, Map<string, OperationEntry>>();

  /**
   * The compiled operation, once it has run often enough to be worth compiling. Compiling costs far
   * more than one execution, so a stream of distinct documents must not pay it on every request.
   */
  function compiled(
    schema: GraphQLSchema,
    document: DocumentNode,
    operationName: string | undefined,
  ): CompiledQuery | undefined {
    let operations = operationsByDocument.get(document);
    if (!operations) operationsByDocument.set(document, (operations = new Map()));
    const key = operationName ?? '';
    let entry = operations.get(key);
    if (!entry) operations.set(key, (entry = { runs: 0 }));
    if (entry.compiled !== undefined) return entry.compiled ?? undefined;
    entry.runs += 1;
    if (entry.runs < COMPILE_ON_RUN) return undefined;
    const result = compileQuery(schema, document, operationName);
    entry.compiled = isCompiledQuery(result) ? result : null;
    return entry.compiled ?? undefined;
  }

  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const operationName = args.operationName ?? undefined;
      const operation = getOperationAST(args.document, operationName);
      if (operation?.operation !== 'query') return;
      // This request's compiled form already ran, with errors (prepared-queries.ts): not run again.
      const earlier = (args.contextValue as EarlierRun).preparedRun;
      if (earlier) {
        if (unavailableOnly(earlier)) setExecuteFn(() => ({ errors: earlier.errors, data: earlier.data }));
        return;
      }
      const coerced = getVariableValues(args.schema, operation.variableDefinitions ?? [], args.variableValues ?? {});
      if (coerced.errors) return;
      const query = compiled(args.schema, args.document, operationName);
      if (!query) return;
      setExecuteFn(async (execution: ExecutionArgs) => {
        const result = await query.query(execution.rootValue, execution.contextValue, execution.variableValues);
        if (!result.errors?.length) {
          const text = args.document.loc?.source.body;
          if (text !== undefined) prepared?.remember(text, operationName, { compiled: query, operation });
          return result;
        }
        // In the executor's key order; the masking in yoga.ts replaces these errors whole.
        if (unavailableOnly(result)) return { errors: result.errors, data: result.data };
        return executeFn(execution);
      });
    },
  };
}
