/** The GraphQL operations the tests send; `npm run codegen` types them from schema.graphql. */
import { graphql } from '../gql/index.js';

export const PortalFields = graphql(`
  fragment PortalFields on BillingPortal {
    id
    websiteId
    slug
    name
    customDomain
    status
    portalUrl
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
      colors {
        primary
        secondary
      }
      links {
        termsOfService
        privacyPolicy
        refundPolicy
      }
    }
    createdTime
    updatedTime
    revision
  }
`);

export const UpsertPortal = graphql(`
  mutation UpsertPortal($id: ID!, $input: BillingPortalInput!, $ifRevision: String, $ifExists: Boolean) {
    upsertBillingPortal(id: $id, input: $input, ifRevision: $ifRevision, ifExists: $ifExists) {
      __typename
      ... on UpsertBillingPortalSuccess {
        created
        billingPortal {
          ...PortalFields
        }
      }
      ... on ValidationError {
        message
        invalidFields {
          field
          message
        }
      }
      ... on ConflictError {
        id
        currentRevision
      }
      ... on Error {
        message
      }
    }
  }
`);

export const CreatePortal = graphql(`
  mutation CreatePortal($input: BillingPortalInput!) {
    createBillingPortal(input: $input) {
      __typename
      ... on CreateBillingPortalSuccess {
        billingPortal {
          ...PortalFields
        }
      }
      ... on ValidationError {
        message
        invalidFields {
          field
          message
        }
      }
    }
  }
`);

export const DeletePortal = graphql(`
  mutation DeletePortal($id: ID!, $ifRevision: String) {
    deleteBillingPortal(id: $id, ifRevision: $ifRevision) {
      __typename
      ... on DeleteBillingPortalSuccess {
        deletedId
      }
      ... on NotFoundError {
        message
        id
      }
      ... on ConflictError {
        message
        id
        currentRevision
      }
    }
  }
`);

export const GetPortal = graphql(`
  query GetPortal($id: ID!) {
    billingPortal(id: $id) {
      ...PortalFields
    }
  }
`);

export const GetPortalBySlug = graphql(`
  query GetPortalBySlug($slug: String!) {
    billingPortalBySlug(slug: $slug) {
      ...PortalFields
    }
  }
`);

export const ListPortals = graphql(`
  query ListPortals(
    $first: Int
    $after: String
    $last: Int
    $before: String
    $filter: BillingPortalFilter
    $orderBy: [BillingPortalOrder!]
    $query: String
  ) {
    billingPortals(
      first: $first
      after: $after
      last: $last
      before: $before
      filter: $filter
      orderBy: $orderBy
      query: $query
    ) {
      totalCount
      edges {
        cursor
        node {
          id
          slug
          websiteId
          status
          createdTime
          updatedTime
        }
      }
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
    }
  }
`);

export const DomainVerificationFields = graphql(`
  fragment DomainVerificationFields on CustomDomainVerification {
    status
    recordType
    recordName
    recordValue
    checkedTime
    failureReason
  }
`);

export const GetPortalDomain = graphql(`
  query GetPortalDomain($id: ID!) {
    billingPortal(id: $id) {
      id
      customDomain
      revision
      customDomainVerification {
        ...DomainVerificationFields
      }
    }
  }
`);

export const VerifyPortalDomain = graphql(`
  mutation VerifyPortalDomain($id: ID!) {
    verifyBillingPortalDomain(id: $id) {
      __typename
      ... on VerifyBillingPortalDomainSuccess {
        billingPortal {
          id
          customDomainVerification {
            ...DomainVerificationFields
          }
        }
      }
      ... on DomainVerificationFailedError {
        domain
        reason
      }
      ... on DnsUnavailableError {
        domain
      }
      ... on ValidationError {
        invalidFields {
          field
          message
        }
      }
      ... on NotFoundError {
        id
      }
      ... on Error {
        message
      }
    }
  }
`);

/** What the tests read of a history entry (a connection's node, a change's `entry`). */
export const HistoryEntryFields = graphql(`
  fragment HistoryEntryFields on BillingPortalHistoryEntry {
    portalId
    revision
    kind
    time
    actor {
      organizationId
      apiKeyName
    }
    changes {
      path
      before
      after
    }
  }
`);
