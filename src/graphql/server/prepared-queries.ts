/**
 * Queries answered without Yoga's pipeline once Yoga has answered them. When a query text (with its
 * operation name) has been parsed, validated, compiled (compiled-execution.ts) and answered without an
 * error, it is remembered with its compiled form; the same text again runs that compiled form directly,
 * skipping what would come out the same: parsing and validation (whose rules depend on the document
 * alone), and Yoga's hooks, none of which changes an answer without errors.
 *
 * Only such an answer is sent from here: a result with any error is thrown away and the request goes to
 * Yoga as before (a read is safe to run twice), so every error keeps Yoga's wording, masking and request id.
 * Variables are first coerced by graphql-js, as on Yoga's path, so that graphql-js stays the judge of what
 * a variable may be. Parameters Yoga would check (an unknown one, one of the wrong type) go to Yoga whole.
 * Not used with tracing, whose spans come from Yoga's hooks.
 */
import { getVariableValues, type ExecutionResult, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { CompiledQuery } from 'graphql-jit';
import type { GraphQLParams } from 'graphql-yoga';
import type { ServiceMetrics } from '../../observability/metrics.ts';

/** Query texts remembered; the longest unused is forgotten first. */
const REMEMBERED_QUERIES = 1000;

interface PreparedQuery {
  compiled: CompiledQuery;
  operation: OperationDefinitionNode;
}

const PARAMETERS = new Set(['query', 'variables', 'operationName', 'extensions']);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parameters Yoga accepts without a word: the query as text, the rest absent or of their type. */
function plainParameters(params: GraphQLParams): boolean {
  for (const name in params) if (!PARAMETERS.has(name)) return false;
  const { query, variables, operationName, extensions } = params;
  return (
    typeof query === 'string' &&
    (variables == null || isObject(variables)) &&
    (operationName == null || typeof operationName === 'string') &&
    (extensions == null || isObject(extensions))
  );
}

export class PreparedQueries {
  /** `operationName ?? ''` + newline + query text → the query */
  private readonly queries = new Map<string, PreparedQuery>();
  /** Remembered queries answered here, and those handed back to Yoga (an error, or variables refused). */
  readonly counts = { answered: 0, handedBack: 0 };
  private readonly schema: GraphQLSchema;
  private readonly metrics: ServiceMetrics | undefined;

  constructor(schema: GraphQLSchema, metrics?: ServiceMetrics) {
    this.schema = schema;
    this.metrics = metrics;
  }

  /** A query Yoga answered without errors through its compiled form. */
  remember(text: string, operationName: string | null | undefined, query: PreparedQuery): void {
    const key = `${operationName ?? ''}\n${text}`;
    if (this.queries.has(key)) return;
    if (this.queries.size >= REMEMBERED_QUERIES) this.queries.delete(this.queries.keys().next().value!);
    this.queries.set(key, query);
  }

  /**
   * The result of a remembered query, when it has no errors; otherwise undefined and the request is
   * Yoga's to answer. `context` is what Yoga's resolvers would be given.
   */
  async execute(params: GraphQLParams, context: () => object): Promise<ExecutionResult | undefined> {
    if (!plainParameters(params)) return undefined;
    const key = `${params.operationName ?? ''}\n${params.query}`;
    const prepared = this.queries.get(key);
    if (!prepared) return undefined;
    // Used again: forgotten last.
    this.queries.delete(key);
    this.queries.set(key, prepared);
    const variables = params.variables ?? {};
    const coerced = getVariableValues(this.schema, prepared.operation.variableDefinitions ?? [], variables);
    let result: ExecutionResult | undefined;
    try {
      if (!coerced.errors) result = await prepared.compiled.query(undefined, context(), variables);
    } catch {
      result = undefined;
    }
    if (!result || result.errors?.length) {
      this.counts.handedBack++;
      return undefined;
    }
    this.counts.answered++;
    this.metrics?.graphqlOperation(prepared.operation.name?.value, 'query');
    return result;
  }
}
