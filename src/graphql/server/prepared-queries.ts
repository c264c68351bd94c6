/**
 * Queries answered without Yoga's pipeline once Yoga has answered them. When a query text (with its
 * operation name) has been parsed, validated, compiled (compiled-execution.ts) and answered without an
 * error, it is remembered with its compiled form; the same text and name again run that compiled form
 * directly, skipping what would come out the same: parsing and validation (whose rules depend on the
 * document alone), and Yoga's hooks, none of which changes an answer without errors.
 *
 * Only such an answer is sent from here. A run with an error goes to Yoga with the request, as the
 * request's earlier run: Yoga answers it with its own wording, masking and request id, and does not run
 * the compiled form a second time (compiled-execution.ts). Variables are first coerced by graphql-js, as
 * on Yoga's path, so that graphql-js stays the judge of what a variable may be; parameters Yoga would
 * check (an unknown one, one of the wrong type) go to Yoga whole. Not used with tracing, whose spans come
 * from Yoga's hooks.
 */
import { getVariableValues, type ExecutionResult, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { CompiledQuery } from 'graphql-jit';
import type { GraphQLParams } from 'graphql-yoga';
import type { Headers } from '../../auth/credentials.ts';
import type { ServiceMetrics } from '../../observability/metrics.ts';
import { graphqlContext, type ContextSources } from './yoga.ts';

/** Query texts remembered; the longest unused is forgotten first. */
const REMEMBERED_QUERIES = 1000;
/** Longer texts are not remembered: at most REMEMBERED_QUERIES of these are held. */
const REMEMBERED_TEXT_LENGTH = 16 * 1024;

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

/** A remembered query's run that had errors: Yoga answers the request, told of this run. */
export interface EarlierRun {
  preparedRun?: ExecutionResult;
}

export class PreparedQueries {
  /**
   * Operation name (undefined: none given, whether absent or null, as Yoga reads it) → query text → the
   * query. Its order of insertion is the order of use, across names (`used`).
   */
  private readonly queries = new Map<string | undefined, Map<string, PreparedQuery>>();
  private readonly used = new Map<PreparedQuery, [string | undefined, string]>();
  /** Remembered queries answered here, and those handed back to Yoga (an error, or variables refused). */
  readonly counts = { answered: 0, handedBack: 0 };
  private readonly schema: GraphQLSchema;
  /** Where the resolvers' context comes from, as on Yoga's path. */
  private readonly sources: ContextSources;
  private readonly metrics: ServiceMetrics | undefined;

  constructor(options: { schema: GraphQLSchema; sources: ContextSources; metrics?: ServiceMetrics }) {
    this.schema = options.schema;
    this.sources = options.sources;
    this.metrics = options.metrics;
  }

  /** A query Yoga answered without errors through its compiled form. */
  remember(text: string, operationName: string | undefined, query: PreparedQuery): void {
    if (text.length > REMEMBERED_TEXT_LENGTH || this.queries.get(operationName)?.has(text)) return;
    if (this.used.size >= REMEMBERED_QUERIES) {
      const [oldest, [name, oldText]] = this.used.entries().next().value!;
      this.used.delete(oldest);
      this.queries.get(name)?.delete(oldText);
    }
    let texts = this.queries.get(operationName);
    if (!texts) this.queries.set(operationName, (texts = new Map()));
    texts.set(text, query);
    this.used.set(query, [operationName, text]);
  }

  /**
   * Runs a remembered query. `answer`: a result without errors, to be sent; `handBack`: the request is
   * Yoga's, with `earlier` (a run with errors) when there was one; undefined: not a remembered query.
   * The resolvers get what Yoga would give them: the server context and the context of these headers.
   */
  async execute(
    params: GraphQLParams,
    serverContext: object,
    headers: Headers,
  ): Promise<{ answer: ExecutionResult } | { handBack: EarlierRun } | undefined> {
    if (!plainParameters(params)) return undefined;
    const prepared = this.queries.get(params.operationName ?? undefined)?.get(params.query!);
    if (!prepared) return undefined;
    // Used again: forgotten last.
    const where = this.used.get(prepared)!;
    this.used.delete(prepared);
    this.used.set(prepared, where);
    const variables = params.variables ?? {};
    const coerced = getVariableValues(this.schema, prepared.operation.variableDefinitions ?? [], variables);
    let result: ExecutionResult | undefined;
    try {
      if (!coerced.errors) {
        const context = { ...serverContext, ...graphqlContext(this.sources, headers) };
        result = await prepared.compiled.query(undefined, context, variables);
      }
    } catch {
      result = undefined;
    }
    if (!result || result.errors?.length) {
      this.counts.handedBack++;
      return { handBack: { preparedRun: result } };
    }
    this.counts.answered++;
    this.metrics?.graphqlOperation(prepared.operation.name?.value, 'query');
    return { answer: result };
  }
}
