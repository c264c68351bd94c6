/**
 * What a newcomer sees in GraphiQL: one tab per example, each one operation, so that ▶ runs it at once (with
 * several operations in a tab, ▶ opens a menu). The hint stays short enough for the editor's first line.
 */
const HINT = '# ▶ runs this; your API key is in Headers.';

const UPSERT = /* GraphQL */ `
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
`;

const READ = /* GraphQL */ `
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
`;

const LIST = /* GraphQL */ `
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

/** A template's text without its surrounding blank lines and its common indentation. */
function dedent(text: string): string {
  const lines = text.replace(/^\n+|\s+$/g, '').split('\n');
  const indent = Math.min(...lines.filter((line) => line.trim()).map((line) => line.length - line.trimStart().length));
  return lines.map((line) => line.slice(indent)).join('\n');
}

/** The examples, each with the hint above it. */
export const GRAPHIQL_EXAMPLES: readonly string[] = [UPSERT, READ, LIST].map(
  (operation) => `${HINT}\n${dedent(operation)}\n`,
);
