/**
 * The GraphQL operation the REST PUT runs: parsed and validated against the schema once, at start-up,
 * then executed per request with the path id and the body as variables.
 */
import { execute, parse, validate, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { InvalidField } from '../portals/errors.ts';
import type { GraphQLContext } from '../graphql/schema/context.ts';
import type { PortalLike } from './resource.ts';

const UPSERT_DOCUMENT = /* GraphQL */ `
  mutation RestUpsertBillingPortal($id: ID!, $input: BillingPortalInput!) {
    upsertBillingPortal(id: $id, input: $input) {
      __typename
      ... on UpsertBillingPortalSuccess {
        created
        billingPortal {
          id
          websiteId
          slug
          name
          customDomain
          status
          features {
            authenticateWithPassword
            orderCancel
            orderAddressEdit
            paymentInstrumentAdd
            paymentInstrumentUpdate
            paymentInstrumentDeactivate
          }
          customization {
            logoId
            colors { primary secondary }
            links { termsOfService privacyPolicy refundPolicy }
          }
          createdTime
          updatedTime
        }
      }
      ... on ValidationError {
        message
        invalidFields { field message }
      }
    }
  }
`;

export type UpsertOutcome =
  | { __typename: 'UpsertBillingPortalSuccess'; created: boolean; billingPortal: PortalLike }
  | { __typename: 'ValidationError'; message: string; invalidFields: InvalidField[] };

export type UpsertResult = ExecutionResult<{ upsertBillingPortal: UpsertOutcome | null }>;

export interface UpsertOperation {
  run(variables: { id: string; input: unknown }, context: GraphQLContext): Promise<UpsertResult>;
}

function prepare(schema: GraphQLSchema, source: string): DocumentNode {
  const document = parse(source);
  const errors = validate(schema, document);
  if (errors.length > 0) throw new Error(`REST operation does not fit the schema: ${errors.map((e) => e.message).join('; ')}`);
  return document;
}

export function prepareUpsertOperation(schema: GraphQLSchema): UpsertOperation {
  const document = prepare(schema, UPSERT_DOCUMENT);
  return {
    run: async (variables, context) =>
      (await execute({ schema, document, variableValues: variables, contextValue: context })) as UpsertResult,
  };
}
