/** The requests the benchmark sends: its GraphQL documents and the portal body it writes. */

/** A full portal body: every writable field (customDomain null, so a write is one database call). */
export function portalFields(id: string, websiteId: string) {
  return {
    websiteId,
    slug: `slug-${id}`,
    name: `Benchmark portal ${id}`,
    customDomain: null,
    features: {
      authenticateWithPassword: true,
      orderCancel: false,
      orderAddressEdit: true,
      paymentInstrumentAdd: true,
      paymentInstrumentUpdate: false,
      paymentInstrumentDeactivate: true,
    },
    customization: {
      logoId: 'logo-123',
      colors: { primary: '0044d4', secondary: 'ffffff' },
      links: {
        termsOfService: 'https://example.com/terms',
        privacyPolicy: 'https://example.com/privacy',
        refundPolicy: 'https://example.com/refunds',
      },
    },
  };
}

export const PORTAL_SELECTION = `
  id websiteId slug name customDomain status portalUrl
  features { authenticateWithPassword orderCancel orderAddressEdit paymentInstrumentAdd paymentInstrumentUpdate paymentInstrumentDeactivate }
  customization { logoId colors { primary secondary } links { termsOfService privacyPolicy refundPolicy } }
  createdTime updatedTime`;

export const UPSERT_QUERY = `mutation Upsert($id: ID!, $input: BillingPortalInput!) {
  upsertBillingPortal(id: $id, input: $input) {
    __typename
    ... on UpsertBillingPortalSuccess { created billingPortal { ${PORTAL_SELECTION} } }
    ... on ValidationError { message invalidFields { field message } }
  }
}`;
export const READ_QUERY = `query Read($id: ID!) { billingPortal(id: $id) { ${PORTAL_SELECTION} } }`;
export const LIST_QUERY = `query List($websiteId: String!) {
  billingPortals(first: 20, filter: { websiteId: { in: [$websiteId] } }, orderBy: [{ field: CREATED_TIME, direction: DESC }]) {
    totalCount
    edges { cursor node { ${PORTAL_SELECTION} } }
    pageInfo { hasNextPage endCursor }
  }
}`;
