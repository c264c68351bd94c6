/**
 * The peers' GraphQL schema, written schema-first as teams using Mercurius or Apollo Server write it: the
 * SDL of the two benchmarked operations with the same types as the service's schema (schema.graphql), and
 * resolvers that call the service's own use cases. Left out: the portal's `history` and
 * `customDomainVerification` fields, which the benchmarked operations never select.
 */
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { ConflictError, ValidationError } from '../../src/portals/errors.ts';
import { PORTAL_FIELDS } from '../../src/portals/fields.ts';
import { portalUrl, type Portal, type PortalStatus } from '../../src/portals/model.ts';
import type { PortalService } from '../../src/portals/service.ts';
import { parseTime } from '../../src/portals/time.ts';

export const typeDefs = /* GraphQL */ `
  scalar DateTime

  enum BillingPortalStatus {
    ACTIVE
    INACTIVE
  }

  type BillingPortalFeatures {
    authenticateWithPassword: Boolean!
    orderAddressEdit: Boolean!
    orderCancel: Boolean!
    paymentInstrumentAdd: Boolean!
    paymentInstrumentDeactivate: Boolean!
    paymentInstrumentUpdate: Boolean!
  }

  type BillingPortalColors {
    primary: String!
    secondary: String!
  }

  type BillingPortalLinks {
    privacyPolicy: String
    refundPolicy: String
    termsOfService: String
  }

  type BillingPortalCustomization {
    colors: BillingPortalColors!
    links: BillingPortalLinks!
    logoId: String
  }

  type BillingPortal {
    createdTime: DateTime!
    customDomain: String
    customization: BillingPortalCustomization!
    features: BillingPortalFeatures!
    id: ID!
    name: String!
    portalUrl: String!
    revision: String!
    slug: String!
    status: BillingPortalStatus!
    updatedTime: DateTime!
    websiteId: String!
  }

  input BillingPortalFeaturesInput {
    authenticateWithPassword: Boolean
    orderAddressEdit: Boolean
    orderCancel: Boolean
    paymentInstrumentAdd: Boolean
    paymentInstrumentDeactivate: Boolean
    paymentInstrumentUpdate: Boolean
  }

  input BillingPortalColorsInput {
    primary: String
    secondary: String
  }

  input BillingPortalLinksInput {
    privacyPolicy: String
    refundPolicy: String
    termsOfService: String
  }

  input BillingPortalCustomizationInput {
    colors: BillingPortalColorsInput
    links: BillingPortalLinksInput
    logoId: String
  }

  input BillingPortalInput {
    customDomain: String
    customization: BillingPortalCustomizationInput
    features: BillingPortalFeaturesInput
    name: String!
    slug: String!
    status: BillingPortalStatus
    websiteId: String!
  }

  interface Error {
    message: String!
  }

  type InvalidField {
    field: String!
    message: String!
  }

  type ValidationError implements Error {
    invalidFields: [InvalidField!]!
    message: String!
  }

  type ConflictError implements Error {
    currentRevision: String
    id: ID!
    message: String!
  }

  type UpsertBillingPortalSuccess {
    billingPortal: BillingPortal!
    created: Boolean!
  }

  union UpsertBillingPortalResult = ConflictError | UpsertBillingPortalSuccess | ValidationError

  type Query {
    billingPortal(id: ID!): BillingPortal
  }

  type Mutation {
    upsertBillingPortal(
      id: ID!
      input: BillingPortalInput!
      ifRevision: String
      ifExists: Boolean
    ): UpsertBillingPortalResult!
  }
`;

/** Who is calling: set by each server's authentication from the request's API key. */
export interface PeerContext {
  organizationId: string;
  apiKeyName: string;
}

const STATUS_VALUES = PORTAL_FIELDS.status.choice!.values;
const STATUS_BY_NAME = new Map(Object.entries(STATUS_VALUES).map(([value, { graphql }]) => [graphql, value]));

function parseDateTime(value: unknown): Date {
  const parsed = typeof value === 'string' ? parseTime(value, false) : undefined;
  if (parsed) return parsed.instant;
  throw new GraphQLError('DateTime must be an RFC 3339 date-time such as "2026-11-25T12:00:00.000Z".');
}

const DateTime = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  serialize: (value) => (value as Date).toISOString(),
  parseValue: parseDateTime,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be a string.');
    return parseDateTime(ast.value);
  },
});

interface UpsertArgs {
  id: string;
  input: Record<string, unknown>;
  ifRevision?: string | null;
  ifExists?: boolean | null;
}

/**
 * Resolvers in the form both servers accept. Union members are told apart by `__typename` (graphql-js's
 * and graphql-jit's default), which spares each server its own resolveType spelling.
 */
export function peerResolvers(portals: PortalService) {
  return {
    DateTime,
    Query: {
      billingPortal: (_root: unknown, { id }: { id: string }, context: PeerContext) =>
        portals.get(context.organizationId, String(id)),
    },
    Mutation: {
      upsertBillingPortal: async (_root: unknown, args: UpsertArgs, context: PeerContext) => {
        const { input } = args;
        // The GraphQL enum's names (ACTIVE) become the stored values (active), as the service's enum does.
        const status = typeof input.status === 'string' ? STATUS_BY_NAME.get(input.status) : input.status;
        try {
          const { portal, created } = await portals.upsert(
            context.organizationId,
            String(args.id),
            { ...input, status },
            { revision: args.ifRevision ?? undefined, exists: args.ifExists ?? undefined },
            context.apiKeyName,
          );
          return { __typename: 'UpsertBillingPortalSuccess', billingPortal: portal, created };
        } catch (error) {
          if (error instanceof ValidationError) {
            return { __typename: 'ValidationError', message: error.message, invalidFields: error.invalidFields };
          }
          if (error instanceof ConflictError) {
            return {
              __typename: 'ConflictError',
              message: error.message,
              id: error.resourceId,
              currentRevision: error.currentRevision,
            };
          }
          throw error;
        }
      },
    },
    BillingPortal: {
      status: (portal: Portal) => STATUS_VALUES[portal.status as PortalStatus].graphql,
      portalUrl: (portal: Portal) => portalUrl(portal),
    },
  };
}
