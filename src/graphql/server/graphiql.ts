/** What a newcomer sees in GraphiQL's first tab: operations that run as they are. */
export const GRAPHIQL_EXAMPLE_OPERATIONS = /* GraphQL */ `
  # Billing portals: run an operation with the ▶ button (your API key is in the Headers tab).

  mutation UpsertExamplePortal {
    upsertBillingPortal(
      id: "example-portal"
      input: {
        websiteId: "example-website"
        slug: "example-portal"
        name: "Example portal"
        customization: { colors: { primary: "0044d4", secondary: "ffffff" } }
      }
    ) {
      __typename
      ... on UpsertBillingPortalSuccess {
        created
        billingPortal {
          id
          slug
          name
          status
          portalUrl
          createdTime
          updatedTime
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

  query ReadExamplePortal {
    billingPortal(id: "example-portal") {
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
        paymentInstrumentAdd
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
    }
  }

  query ListPortals {
    billingPortals(first: 20) {
      totalCount
      edges {
        cursor
        node {
          id
          slug
          name
          status
          updatedTime
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;
