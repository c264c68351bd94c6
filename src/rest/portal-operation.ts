/**
 * The GraphQL operation the REST PUT runs: parsed and validated against the schema once, at start-up,
 * then executed per request with the path id and the body as variables.
 */
import {
  execute,
  getOperationAST,
  parse,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { PORTAL_FIELDS, selectionOf, type FieldMap } from '../portals/fields.ts';
import { ConflictError, type InvalidField, type WriteCondition } from '../portals/errors.ts';
import type { GraphQLContext } from '../graphql/schema/context.ts';
import type { PortalView } from './resource.ts';
import type { Tracing } from '../observability/tracing.ts';

const UPSERT_DOCUMENT = /* GraphQL */ `
  mutation RestUpsertBillingPortal($id: ID!, $input: BillingPortalInput!, $ifRevision: String, $ifExists: Boolean) {
    upsertBillingPortal(id: $id, input: $input, ifRevision: $ifRevision, ifExists: $ifExists) {
      __typename
      ... on UpsertBillingPortalSuccess { created billingPortal { ${selectionOf(PORTAL_FIELDS)} } }
      ... on ValidationError { message invalidFields { field message } }
      ... on ConflictError { currentRevision }
    }
  }
`;

const NOT_A_CHOICE = Symbol('not a declared value');

/**
 * A value in GraphQL's spelling: each choice (enum) value as its declared GraphQL name, recursively
 * through groups. A choice value that is not declared makes the whole input NOT_A_CHOICE (GraphQL
 * could not express it; validation then names it). Anything else is passed as it is, for GraphQL's
 * coercion and the validation schema to judge.
 */
function toGraphQLSpelling(fields: FieldMap, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const spelled: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [name, field] of Object.entries(fields)) {
    const fieldValue = spelled[name];
    if (fieldValue === undefined || fieldValue === null) continue;
    if (field.kind === 'group') {
      spelled[name] = toGraphQLSpelling(field.fields, fieldValue);
      if (spelled[name] === NOT_A_CHOICE) return NOT_A_CHOICE;
    } else if (field.kind === 'choice') {
      const values = field.choice!.values as Record<string, { graphql: string }>;
      if (typeof fieldValue !== 'string' || !Object.hasOwn(values, fieldValue)) return NOT_A_CHOICE;
      spelled[name] = values[fieldValue].graphql;
    }
  }
  return spelled;
}

/** A result's portal in the domain's terms: enum names back to declared values, times as Dates. */
function fromGraphQLSpelling(fields: FieldMap, value: Record<string, unknown>): Record<string, unknown> {
  const domain: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields)) {
    const fieldValue = value[name];
    if (fieldValue === null) domain[name] = null;
    else if (field.kind === 'group') {
      domain[name] = fromGraphQLSpelling(field.fields, fieldValue as Record<string, unknown>);
    } else if (field.kind === 'readOnly' && field.graphql === 'DateTime') domain[name] = new Date(fieldValue as string);
    else if (field.choice) {
      const values = Object.entries(field.choice!.values as Record<string, { graphql: string }>);
      domain[name] = values.find(([, spelling]) => spelling.graphql === fieldValue)![0];
    } else domain[name] = fieldValue;
  }
  return domain;
}

type UpsertOutcome =
  | { __typename: 'UpsertBillingPortalSuccess'; created: boolean; billingPortal: Record<string, unknown> }
  | { __typename: 'ValidationError'; message: string; invalidFields: InvalidField[] }
  | { __typename: 'ConflictError'; currentRevision: string | null };

type UpsertResult = ExecutionResult<{ upsertBillingPortal: UpsertOutcome | null }>;

/** What a PUT came to. `unfit`: GraphQL could not take the body as its input type, and nothing ran. */
export type UpsertAnswer =
  | { kind: 'stored'; created: boolean; portal: PortalView }
  | { kind: 'invalid'; message: string; invalidFields: InvalidField[] }
  | { kind: 'conflict'; error: ConflictError }
  | { kind: 'unfit'; reason: string };

export interface UpsertOperation {
  run(id: string, body: unknown, condition: WriteCondition, context: GraphQLContext): Promise<UpsertAnswer>;
}

function prepare(schema: GraphQLSchema, source: string): DocumentNode {
  const document = parse(source);
  const errors = validate(schema, document);
  if (errors.length > 0) {
    throw new Error(`REST operation does not fit the schema: ${errors.map((e) => e.message).join('; ')}`);
  }
  return document;
}

/** With `tracing`, each run is a GraphQL operation span under the request's, as at the GraphQL door. */
export function prepareUpsertOperation(schema: GraphQLSchema, tracing?: Tracing): UpsertOperation {
  const document = prepare(schema, UPSERT_DOCUMENT);
  const operationName = getOperationAST(document)?.name?.value;
  const traced = (run: () => Promise<ExecutionResult>) =>
    tracing
      ? tracing.inChildSpan('mutation', {}, async (span) => {
          if (span) tracing.nameOperation(span, 'mutation', operationName);
          const result = await run();
          if (span && result.errors?.length) tracing.markFailed(span);
          return result;
        })
      : run();
  return {
    async run(id, body, condition, context) {
      const input = toGraphQLSpelling(PORTAL_FIELDS, body);
      if (input === NOT_A_CHOICE) return { kind: 'unfit', reason: 'a choice value that is not declared' };
      const variableValues = { id, input, ifRevision: condition.revision, ifExists: condition.exists };
      const result = (await traced(async () =>
        execute({ schema, document, variableValues, contextValue: context }),
      )) as UpsertResult;
      // An error with a path came from running the resolver; one without, from the variables not fitting
      // the input type (a wrong type, an unknown field, no object at all), and then nothing ran.
      const executionError = result.errors?.find((error) => error.path !== undefined);
      if (executionError) throw executionError.originalError ?? executionError;
      if (result.errors) return { kind: 'unfit', reason: result.errors[0].message };
      const outcome = result.data?.upsertBillingPortal;
      if (!outcome) throw new Error('upsertBillingPortal returned nothing');
      if (outcome.__typename === 'ValidationError') return { kind: 'invalid', ...outcome };
      if (outcome.__typename === 'ConflictError') {
        return { kind: 'conflict', error: new ConflictError(id, outcome.currentRevision, condition.exists === false) };
      }
      const portal = fromGraphQLSpelling(PORTAL_FIELDS, outcome.billingPortal) as PortalView;
      return { kind: 'stored', created: outcome.created, portal };
    },
  };
}
