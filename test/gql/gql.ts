/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query History($id: ID!, $first: Int, $after: String) {\n    billingPortalHistory(id: $id, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...HistoryEntryFields\n        }\n      }\n    }\n  }\n": typeof types.HistoryDocument,
    "\n  query PortalWithHistory($id: ID!) {\n    billingPortal(id: $id) {\n      revision\n      history(first: 1) {\n        totalCount\n        edges {\n          node {\n            revision\n            kind\n          }\n        }\n      }\n    }\n  }\n": typeof types.PortalWithHistoryDocument,
    "\n  mutation HistoryUpsert($id: ID!, $input: BillingPortalInput!) {\n    upsertBillingPortal(id: $id, input: $input) {\n      __typename\n      ... on UpsertBillingPortalSuccess {\n        billingPortal {\n          revision\n        }\n      }\n    }\n  }\n": typeof types.HistoryUpsertDocument,
    "\n  mutation HistoryCreate($input: BillingPortalInput!) {\n    createBillingPortal(input: $input) {\n      __typename\n      ... on CreateBillingPortalSuccess {\n        billingPortal {\n          id\n          revision\n        }\n      }\n    }\n  }\n": typeof types.HistoryCreateDocument,
    "\n  mutation HistoryDelete($id: ID!) {\n    deleteBillingPortal(id: $id) {\n      __typename\n    }\n  }\n": typeof types.HistoryDeleteDocument,
    "\n  query SubscriptionEntryHistory($id: ID!) {\n    billingPortalHistory(id: $id, first: 100) {\n      edges {\n        node {\n          ...HistoryEntryFields\n        }\n      }\n    }\n  }\n": typeof types.SubscriptionEntryHistoryDocument,
    "\n  mutation SubscriptionEntryUpsert($id: ID!, $input: BillingPortalInput!) {\n    upsertBillingPortal(id: $id, input: $input) {\n      __typename\n    }\n  }\n": typeof types.SubscriptionEntryUpsertDocument,
    "\n  mutation SubscriptionEntryDelete($id: ID!) {\n    deleteBillingPortal(id: $id) {\n      __typename\n    }\n  }\n": typeof types.SubscriptionEntryDeleteDocument,
    "\n  fragment PortalFields on BillingPortal {\n    id\n    websiteId\n    slug\n    name\n    customDomain\n    status\n    portalUrl\n    features {\n      authenticateWithPassword\n      orderCancel\n      orderAddressEdit\n      paymentInstrumentAdd\n      paymentInstrumentUpdate\n      paymentInstrumentDeactivate\n    }\n    customization {\n      logoId\n      colors {\n        primary\n        secondary\n      }\n      links {\n        termsOfService\n        privacyPolicy\n        refundPolicy\n      }\n    }\n    createdTime\n    updatedTime\n    revision\n  }\n": typeof types.PortalFieldsFragmentDoc,
    "\n  mutation UpsertPortal($id: ID!, $input: BillingPortalInput!, $ifRevision: String, $ifExists: Boolean) {\n    upsertBillingPortal(id: $id, input: $input, ifRevision: $ifRevision, ifExists: $ifExists) {\n      __typename\n      ... on UpsertBillingPortalSuccess {\n        created\n        billingPortal {\n          ...PortalFields\n        }\n      }\n      ... on ValidationError {\n        message\n        invalidFields {\n          field\n          message\n        }\n      }\n      ... on ConflictError {\n        id\n        currentRevision\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.UpsertPortalDocument,
    "\n  mutation CreatePortal($input: BillingPortalInput!) {\n    createBillingPortal(input: $input) {\n      __typename\n      ... on CreateBillingPortalSuccess {\n        billingPortal {\n          ...PortalFields\n        }\n      }\n      ... on ValidationError {\n        message\n        invalidFields {\n          field\n          message\n        }\n      }\n    }\n  }\n": typeof types.CreatePortalDocument,
    "\n  mutation DeletePortal($id: ID!, $ifRevision: String) {\n    deleteBillingPortal(id: $id, ifRevision: $ifRevision) {\n      __typename\n      ... on DeleteBillingPortalSuccess {\n        deletedId\n      }\n      ... on NotFoundError {\n        message\n        id\n      }\n      ... on ConflictError {\n        message\n        id\n        currentRevision\n      }\n    }\n  }\n": typeof types.DeletePortalDocument,
    "\n  query GetPortal($id: ID!) {\n    billingPortal(id: $id) {\n      ...PortalFields\n    }\n  }\n": typeof types.GetPortalDocument,
    "\n  query GetPortalBySlug($slug: String!) {\n    billingPortalBySlug(slug: $slug) {\n      ...PortalFields\n    }\n  }\n": typeof types.GetPortalBySlugDocument,
    "\n  query ListPortals(\n    $first: Int\n    $after: String\n    $last: Int\n    $before: String\n    $filter: BillingPortalFilter\n    $orderBy: [BillingPortalOrder!]\n    $query: String\n  ) {\n    billingPortals(\n      first: $first\n      after: $after\n      last: $last\n      before: $before\n      filter: $filter\n      orderBy: $orderBy\n      query: $query\n    ) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          slug\n          websiteId\n          status\n          createdTime\n          updatedTime\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n": typeof types.ListPortalsDocument,
    "\n  fragment DomainVerificationFields on CustomDomainVerification {\n    status\n    recordType\n    recordName\n    recordValue\n    checkedTime\n    failureReason\n  }\n": typeof types.DomainVerificationFieldsFragmentDoc,
    "\n  query GetPortalDomain($id: ID!) {\n    billingPortal(id: $id) {\n      id\n      customDomain\n      revision\n      customDomainVerification {\n        ...DomainVerificationFields\n      }\n    }\n  }\n": typeof types.GetPortalDomainDocument,
    "\n  mutation VerifyPortalDomain($id: ID!) {\n    verifyBillingPortalDomain(id: $id) {\n      __typename\n      ... on VerifyBillingPortalDomainSuccess {\n        billingPortal {\n          id\n          customDomainVerification {\n            ...DomainVerificationFields\n          }\n        }\n      }\n      ... on DomainVerificationFailedError {\n        domain\n        reason\n      }\n      ... on DnsUnavailableError {\n        domain\n      }\n      ... on ValidationError {\n        invalidFields {\n          field\n          message\n        }\n      }\n      ... on NotFoundError {\n        id\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.VerifyPortalDomainDocument,
    "\n  fragment HistoryEntryFields on BillingPortalHistoryEntry {\n    portalId\n    revision\n    kind\n    time\n    actor {\n      organizationId\n      apiKeyName\n    }\n    changes {\n      path\n      before\n      after\n    }\n  }\n": typeof types.HistoryEntryFieldsFragmentDoc,
    "\n  mutation UpsertTraced {\n    upsertBillingPortal(id: \"\", input: { websiteId: \"web-1\", slug: \"\", name: \"Secret name\" }) {\n      __typename\n    }\n  }\n": typeof types.UpsertTracedDocument,
};
const documents: Documents = {
    "\n  query History($id: ID!, $first: Int, $after: String) {\n    billingPortalHistory(id: $id, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...HistoryEntryFields\n        }\n      }\n    }\n  }\n": types.HistoryDocument,
    "\n  query PortalWithHistory($id: ID!) {\n    billingPortal(id: $id) {\n      revision\n      history(first: 1) {\n        totalCount\n        edges {\n          node {\n            revision\n            kind\n          }\n        }\n      }\n    }\n  }\n": types.PortalWithHistoryDocument,
    "\n  mutation HistoryUpsert($id: ID!, $input: BillingPortalInput!) {\n    upsertBillingPortal(id: $id, input: $input) {\n      __typename\n      ... on UpsertBillingPortalSuccess {\n        billingPortal {\n          revision\n        }\n      }\n    }\n  }\n": types.HistoryUpsertDocument,
    "\n  mutation HistoryCreate($input: BillingPortalInput!) {\n    createBillingPortal(input: $input) {\n      __typename\n      ... on CreateBillingPortalSuccess {\n        billingPortal {\n          id\n          revision\n        }\n      }\n    }\n  }\n": types.HistoryCreateDocument,
    "\n  mutation HistoryDelete($id: ID!) {\n    deleteBillingPortal(id: $id) {\n      __typename\n    }\n  }\n": types.HistoryDeleteDocument,
    "\n  query SubscriptionEntryHistory($id: ID!) {\n    billingPortalHistory(id: $id, first: 100) {\n      edges {\n        node {\n          ...HistoryEntryFields\n        }\n      }\n    }\n  }\n": types.SubscriptionEntryHistoryDocument,
    "\n  mutation SubscriptionEntryUpsert($id: ID!, $input: BillingPortalInput!) {\n    upsertBillingPortal(id: $id, input: $input) {\n      __typename\n    }\n  }\n": types.SubscriptionEntryUpsertDocument,
    "\n  mutation SubscriptionEntryDelete($id: ID!) {\n    deleteBillingPortal(id: $id) {\n      __typename\n    }\n  }\n": types.SubscriptionEntryDeleteDocument,
    "\n  fragment PortalFields on BillingPortal {\n    id\n    websiteId\n    slug\n    name\n    customDomain\n    status\n    portalUrl\n    features {\n      authenticateWithPassword\n      orderCancel\n      orderAddressEdit\n      paymentInstrumentAdd\n      paymentInstrumentUpdate\n      paymentInstrumentDeactivate\n    }\n    customization {\n      logoId\n      colors {\n        primary\n        secondary\n      }\n      links {\n        termsOfService\n        privacyPolicy\n        refundPolicy\n      }\n    }\n    createdTime\n    updatedTime\n    revision\n  }\n": types.PortalFieldsFragmentDoc,
    "\n  mutation UpsertPortal($id: ID!, $input: BillingPortalInput!, $ifRevision: String, $ifExists: Boolean) {\n    upsertBillingPortal(id: $id, input: $input, ifRevision: $ifRevision, ifExists: $ifExists) {\n      __typename\n      ... on UpsertBillingPortalSuccess {\n        created\n        billingPortal {\n          ...PortalFields\n        }\n      }\n      ... on ValidationError {\n        message\n        invalidFields {\n          field\n          message\n        }\n      }\n      ... on ConflictError {\n        id\n        currentRevision\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.UpsertPortalDocument,
    "\n  mutation CreatePortal($input: BillingPortalInput!) {\n    createBillingPortal(input: $input) {\n      __typename\n      ... on CreateBillingPortalSuccess {\n        billingPortal {\n          ...PortalFields\n        }\n      }\n      ... on ValidationError {\n        message\n        invalidFields {\n          field\n          message\n        }\n      }\n    }\n  }\n": types.CreatePortalDocument,
    "\n  mutation DeletePortal($id: ID!, $ifRevision: String) {\n    deleteBillingPortal(id: $id, ifRevision: $ifRevision) {\n      __typename\n      ... on DeleteBillingPortalSuccess {\n        deletedId\n      }\n      ... on NotFoundError {\n        message\n        id\n      }\n      ... on ConflictError {\n        message\n        id\n        currentRevision\n      }\n    }\n  }\n": types.DeletePortalDocument,
    "\n  query GetPortal($id: ID!) {\n    billingPortal(id: $id) {\n      ...PortalFields\n    }\n  }\n": types.GetPortalDocument,
    "\n  query GetPortalBySlug($slug: String!) {\n    billingPortalBySlug(slug: $slug) {\n      ...PortalFields\n    }\n  }\n": types.GetPortalBySlugDocument,
    "\n  query ListPortals(\n    $first: Int\n    $after: String\n    $last: Int\n    $before: String\n    $filter: BillingPortalFilter\n    $orderBy: [BillingPortalOrder!]\n    $query: String\n  ) {\n    billingPortals(\n      first: $first\n      after: $after\n      last: $last\n      before: $before\n      filter: $filter\n      orderBy: $orderBy\n      query: $query\n    ) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          slug\n          websiteId\n          status\n          createdTime\n          updatedTime\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n": types.ListPortalsDocument,
    "\n  fragment DomainVerificationFields on CustomDomainVerification {\n    status\n    recordType\n    recordName\n    recordValue\n    checkedTime\n    failureReason\n  }\n": types.DomainVerificationFieldsFragmentDoc,
    "\n  query GetPortalDomain($id: ID!) {\n    billingPortal(id: $id) {\n      id\n      customDomain\n      revision\n      customDomainVerification {\n        ...DomainVerificationFields\n      }\n    }\n  }\n": types.GetPortalDomainDocument,
    "\n  mutation VerifyPortalDomain($id: ID!) {\n    verifyBillingPortalDomain(id: $id) {\n      __typename\n      ... on VerifyBillingPortalDomainSuccess {\n        billingPortal {\n          id\n          customDomainVerification {\n            ...DomainVerificationFields\n          }\n        }\n      }\n      ... on DomainVerificationFailedError {\n        domain\n        reason\n      }\n      ... on DnsUnavailableError {\n        domain\n      }\n      ... on ValidationError {\n        invalidFields {\n          field\n          message\n        }\n      }\n      ... on NotFoundError {\n        id\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.VerifyPortalDomainDocument,
    "\n  fragment HistoryEntryFields on BillingPortalHistoryEntry {\n    portalId\n    revision\n    kind\n    time\n    actor {\n      organizationId\n      apiKeyName\n    }\n    changes {\n      path\n      before\n      after\n    }\n  }\n": types.HistoryEntryFieldsFragmentDoc,
    "\n  mutation UpsertTraced {\n    upsertBillingPortal(id: \"\", input: { websiteId: \"web-1\", slug: \"\", name: \"Secret name\" }) {\n      __typename\n    }\n  }\n": types.UpsertTracedDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query History($id: ID!, $first: Int, $after: String) {\n    billingPortalHistory(id: $id, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...HistoryEntryFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query History($id: ID!, $first: Int, $after: String) {\n    billingPortalHistory(id: $id, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...HistoryEntryFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PortalWithHistory($id: ID!) {\n    billingPortal(id: $id) {\n      revision\n      history(first: 1) {\n        totalCount\n        edges {\n          node {\n            revision\n            kind\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query PortalWithHistory($id: ID!) {\n    billingPortal(id: $id) {\n      revision\n      history(first: 1) {\n        totalCount\n        edges {\n          node {\n            revision\n            kind\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation HistoryUpsert($id: ID!, $input: BillingPortalInput!) {\n    upsertBillingPortal(id: $id, input: $input) {\n      __typename\n      ... on UpsertBillingPortalSuccess {\n        billingPortal {\n          revision\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation HistoryUpsert($id: ID!, $input: BillingPortalInput!) {\n    upsertBillingPortal(id: $id, input: $input) {\n      __typename\n      ... on UpsertBillingPortalSuccess {\n        billingPortal {\n          revision\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation HistoryCreate($input: BillingPortalInput!) {\n    createBillingPortal(input: $input) {\n      __typename\n      ... on CreateBillingPortalSuccess {\n        billingPortal {\n          id\n          revision\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation HistoryCreate($input: BillingPortalInput!) {\n    createBillingPortal(input: $input) {\n      __typename\n      ... on CreateBillingPortalSuccess {\n        billingPortal {\n          id\n          revision\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation HistoryDelete($id: ID!) {\n    deleteBillingPortal(id: $id) {\n      __typename\n    }\n  }\n"): (typeof documents)["\n  mutation HistoryDelete($id: ID!) {\n    deleteBillingPortal(id: $id) {\n      __typename\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SubscriptionEntryHistory($id: ID!) {\n    billingPortalHistory(id: $id, first: 100) {\n      edges {\n        node {\n          ...HistoryEntryFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query SubscriptionEntryHistory($id: ID!) {\n    billingPortalHistory(id: $id, first: 100) {\n      edges {\n        node {\n          ...HistoryEntryFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SubscriptionEntryUpsert($id: ID!, $input: BillingPortalInput!) {\n    upsertBillingPortal(id: $id, input: $input) {\n      __typename\n    }\n  }\n"): (typeof documents)["\n  mutation SubscriptionEntryUpsert($id: ID!, $input: BillingPortalInput!) {\n    upsertBillingPortal(id: $id, input: $input) {\n      __typename\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SubscriptionEntryDelete($id: ID!) {\n    deleteBillingPortal(id: $id) {\n      __typename\n    }\n  }\n"): (typeof documents)["\n  mutation SubscriptionEntryDelete($id: ID!) {\n    deleteBillingPortal(id: $id) {\n      __typename\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PortalFields on BillingPortal {\n    id\n    websiteId\n    slug\n    name\n    customDomain\n    status\n    portalUrl\n    features {\n      authenticateWithPassword\n      orderCancel\n      orderAddressEdit\n      paymentInstrumentAdd\n      paymentInstrumentUpdate\n      paymentInstrumentDeactivate\n    }\n    customization {\n      logoId\n      colors {\n        primary\n        secondary\n      }\n      links {\n        termsOfService\n        privacyPolicy\n        refundPolicy\n      }\n    }\n    createdTime\n    updatedTime\n    revision\n  }\n"): (typeof documents)["\n  fragment PortalFields on BillingPortal {\n    id\n    websiteId\n    slug\n    name\n    customDomain\n    status\n    portalUrl\n    features {\n      authenticateWithPassword\n      orderCancel\n      orderAddressEdit\n      paymentInstrumentAdd\n      paymentInstrumentUpdate\n      paymentInstrumentDeactivate\n    }\n    customization {\n      logoId\n      colors {\n        primary\n        secondary\n      }\n      links {\n        termsOfService\n        privacyPolicy\n        refundPolicy\n      }\n    }\n    createdTime\n    updatedTime\n    revision\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpsertPortal($id: ID!, $input: BillingPortalInput!, $ifRevision: String, $ifExists: Boolean) {\n    upsertBillingPortal(id: $id, input: $input, ifRevision: $ifRevision, ifExists: $ifExists) {\n      __typename\n      ... on UpsertBillingPortalSuccess {\n        created\n        billingPortal {\n          ...PortalFields\n        }\n      }\n      ... on ValidationError {\n        message\n        invalidFields {\n          field\n          message\n        }\n      }\n      ... on ConflictError {\n        id\n        currentRevision\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpsertPortal($id: ID!, $input: BillingPortalInput!, $ifRevision: String, $ifExists: Boolean) {\n    upsertBillingPortal(id: $id, input: $input, ifRevision: $ifRevision, ifExists: $ifExists) {\n      __typename\n      ... on UpsertBillingPortalSuccess {\n        created\n        billingPortal {\n          ...PortalFields\n        }\n      }\n      ... on ValidationError {\n        message\n        invalidFields {\n          field\n          message\n        }\n      }\n      ... on ConflictError {\n        id\n        currentRevision\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreatePortal($input: BillingPortalInput!) {\n    createBillingPortal(input: $input) {\n      __typename\n      ... on CreateBillingPortalSuccess {\n        billingPortal {\n          ...PortalFields\n        }\n      }\n      ... on ValidationError {\n        message\n        invalidFields {\n          field\n          message\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreatePortal($input: BillingPortalInput!) {\n    createBillingPortal(input: $input) {\n      __typename\n      ... on CreateBillingPortalSuccess {\n        billingPortal {\n          ...PortalFields\n        }\n      }\n      ... on ValidationError {\n        message\n        invalidFields {\n          field\n          message\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeletePortal($id: ID!, $ifRevision: String) {\n    deleteBillingPortal(id: $id, ifRevision: $ifRevision) {\n      __typename\n      ... on DeleteBillingPortalSuccess {\n        deletedId\n      }\n      ... on NotFoundError {\n        message\n        id\n      }\n      ... on ConflictError {\n        message\n        id\n        currentRevision\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DeletePortal($id: ID!, $ifRevision: String) {\n    deleteBillingPortal(id: $id, ifRevision: $ifRevision) {\n      __typename\n      ... on DeleteBillingPortalSuccess {\n        deletedId\n      }\n      ... on NotFoundError {\n        message\n        id\n      }\n      ... on ConflictError {\n        message\n        id\n        currentRevision\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GetPortal($id: ID!) {\n    billingPortal(id: $id) {\n      ...PortalFields\n    }\n  }\n"): (typeof documents)["\n  query GetPortal($id: ID!) {\n    billingPortal(id: $id) {\n      ...PortalFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GetPortalBySlug($slug: String!) {\n    billingPortalBySlug(slug: $slug) {\n      ...PortalFields\n    }\n  }\n"): (typeof documents)["\n  query GetPortalBySlug($slug: String!) {\n    billingPortalBySlug(slug: $slug) {\n      ...PortalFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ListPortals(\n    $first: Int\n    $after: String\n    $last: Int\n    $before: String\n    $filter: BillingPortalFilter\n    $orderBy: [BillingPortalOrder!]\n    $query: String\n  ) {\n    billingPortals(\n      first: $first\n      after: $after\n      last: $last\n      before: $before\n      filter: $filter\n      orderBy: $orderBy\n      query: $query\n    ) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          slug\n          websiteId\n          status\n          createdTime\n          updatedTime\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query ListPortals(\n    $first: Int\n    $after: String\n    $last: Int\n    $before: String\n    $filter: BillingPortalFilter\n    $orderBy: [BillingPortalOrder!]\n    $query: String\n  ) {\n    billingPortals(\n      first: $first\n      after: $after\n      last: $last\n      before: $before\n      filter: $filter\n      orderBy: $orderBy\n      query: $query\n    ) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          slug\n          websiteId\n          status\n          createdTime\n          updatedTime\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DomainVerificationFields on CustomDomainVerification {\n    status\n    recordType\n    recordName\n    recordValue\n    checkedTime\n    failureReason\n  }\n"): (typeof documents)["\n  fragment DomainVerificationFields on CustomDomainVerification {\n    status\n    recordType\n    recordName\n    recordValue\n    checkedTime\n    failureReason\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GetPortalDomain($id: ID!) {\n    billingPortal(id: $id) {\n      id\n      customDomain\n      revision\n      customDomainVerification {\n        ...DomainVerificationFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query GetPortalDomain($id: ID!) {\n    billingPortal(id: $id) {\n      id\n      customDomain\n      revision\n      customDomainVerification {\n        ...DomainVerificationFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation VerifyPortalDomain($id: ID!) {\n    verifyBillingPortalDomain(id: $id) {\n      __typename\n      ... on VerifyBillingPortalDomainSuccess {\n        billingPortal {\n          id\n          customDomainVerification {\n            ...DomainVerificationFields\n          }\n        }\n      }\n      ... on DomainVerificationFailedError {\n        domain\n        reason\n      }\n      ... on DnsUnavailableError {\n        domain\n      }\n      ... on ValidationError {\n        invalidFields {\n          field\n          message\n        }\n      }\n      ... on NotFoundError {\n        id\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation VerifyPortalDomain($id: ID!) {\n    verifyBillingPortalDomain(id: $id) {\n      __typename\n      ... on VerifyBillingPortalDomainSuccess {\n        billingPortal {\n          id\n          customDomainVerification {\n            ...DomainVerificationFields\n          }\n        }\n      }\n      ... on DomainVerificationFailedError {\n        domain\n        reason\n      }\n      ... on DnsUnavailableError {\n        domain\n      }\n      ... on ValidationError {\n        invalidFields {\n          field\n          message\n        }\n      }\n      ... on NotFoundError {\n        id\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment HistoryEntryFields on BillingPortalHistoryEntry {\n    portalId\n    revision\n    kind\n    time\n    actor {\n      organizationId\n      apiKeyName\n    }\n    changes {\n      path\n      before\n      after\n    }\n  }\n"): (typeof documents)["\n  fragment HistoryEntryFields on BillingPortalHistoryEntry {\n    portalId\n    revision\n    kind\n    time\n    actor {\n      organizationId\n      apiKeyName\n    }\n    changes {\n      path\n      before\n      after\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpsertTraced {\n    upsertBillingPortal(id: \"\", input: { websiteId: \"web-1\", slug: \"\", name: \"Secret name\" }) {\n      __typename\n    }\n  }\n"): (typeof documents)["\n  mutation UpsertTraced {\n    upsertBillingPortal(id: \"\", input: { websiteId: \"web-1\", slug: \"\", name: \"Secret name\" }) {\n      __typename\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;