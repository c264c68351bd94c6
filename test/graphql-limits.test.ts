import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG_A, startService, type TestService } from './support/service.ts';

let service: TestService;
let production: TestService;
beforeAll(async () => {
  [service, production] = await Promise.all([
    startService(),
    startService({ settings: { hideFieldSuggestions: true, introspection: 'off', graphiql: false } }),
  ]);
});
afterAll(() => Promise.all([service.close(), production.close()]));

const NODE_FIELDS = `id websiteId slug name customDomain status portalUrl
  features { authenticateWithPassword orderCancel orderAddressEdit paymentInstrumentAdd paymentInstrumentUpdate paymentInstrumentDeactivate }
  customization { logoId colors { primary secondary } links { termsOfService privacyPolicy refundPolicy } }
  createdTime updatedTime`;

async function send(target: TestService, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${target.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'REB-APIKEY': ORG_A.key, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: JSON.parse(text) as { data?: any; errors?: Array<{ message: string }> },
  };
}

describe('query limits', () => {
  it('accepts a billingPortals page of 100 with every field, and the GraphiQL examples', async () => {
    const page = await send(service, {
      query: `{ billingPortals(first: 100) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node { ${NODE_FIELDS} } } } }`,
    });
    expect(page.body.errors).toBeUndefined();
    expect(page.body.data.billingPortals.totalCount).toBe(0);
    const { GRAPHIQL_EXAMPLES } = await import('../src/graphql/server/graphiql.ts');
    expect(GRAPHIQL_EXAMPLES).toHaveLength(3);
    for (const query of GRAPHIQL_EXAMPLES) {
      // One operation per example: run without an operationName, as GraphiQL's ▶ runs a tab.
      const res = await send(service, { query });
      expect(res.body.errors, query).toBeUndefined();
    }
  });

  it("accepts GraphiQL's full introspection query", async () => {
    const { getIntrospectionQuery } = await import('graphql');
    const res = await send(service, {
      query: getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true, oneOf: true }),
    });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.__schema.queryType.name).toBe('Query');
  });

  it.each([
    [
      'a deep query',
      `{ __type(name: "BillingPortal") { fields { type { fields { type { fields { type { fields { type { name } } } } } } } } } }`,
      /depth limit of 8 exceeded/,
    ],
    [
      'a wide query (many aliased pages)',
      `{ ${Array.from({ length: 5 }, (_, i) => `p${i}: billingPortals(first: 100) { edges { node { ${NODE_FIELDS} } } }`).join(' ')} }`,
      /Cost limit of 50000 exceeded/,
    ],
    [
      'too many aliases',
      `{ ${Array.from({ length: 11 }, (_, i) => `a${i}: billingPortal(id: "x") { id }`).join(' ')} }`,
      /Aliases limit of 10 exceeded/,
    ],
    [
      'too many directives',
      `{ billingPortal(id: "x") { id ${'@include(if: true) '.repeat(11)} } }`,
      /Directives limit of 10 exceeded/,
    ],
    ['too many tokens', `{ ${'billingPortal(id: "x") { id } '.repeat(300)} }`, /Token limit of 2000 exceeded/],
  ])('refuses %s before it executes, with a clear error', async (_kind, query, message) => {
    const before = await service.portals.countDocuments();
    const res = await send(service, { query });
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors?.map((e) => e.message).join(' ')).toMatch(message);
    if (!/Token/.test(String(message))) {
      expect(res.body.errors?.[0].message).not.toMatch(/Syntax Error/);
      expect((res.body.errors?.[0] as { extensions?: { code?: string } }).extensions?.code).toBe(
        'QUERY_LIMIT_EXCEEDED',
      );
    }
    expect(await service.portals.countDocuments()).toBe(before);
  });

  it('answers a GET whose variables are not JSON with 400, not a masked 500', async () => {
    const response = await fetch(
      `${service.url}/graphql?query=${encodeURIComponent('{ __typename }')}&variables=%7Bnope`,
      {
        headers: { accept: 'application/json', 'REB-APIKEY': ORG_A.key },
      },
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: Array<{ message: string }> }).errors[0].message).toBe(
      'A request parameter is not valid JSON.',
    );
  });

  it('refuses batched operations', async () => {
    const res = await send(service, [{ query: '{ __typename }' }, { query: '{ __typename }' }]);
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0].message).toBeDefined();
  });

  it('suggests field names in development and not in production', async () => {
    const dev = await send(service, { query: '{ billingPortal(id: "x") { nam } }' });
    expect(dev.body.errors?.[0].message).toMatch(/Did you mean "name"/);
    const prod = await send(production, { query: '{ billingPortal(id: "x") { nam } }' });
    expect(prod.body.errors?.[0].message).toMatch(/Cannot query field "nam"/);
    expect(prod.body.errors?.[0].message).not.toMatch(/Did you mean/);
  });

  it('switches introspection and GraphiQL off by configuration', async () => {
    const res = await send(production, { query: '{ __schema { queryType { name } } }' });
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors?.[0].message).toMatch(/introspection/i);
    const page = await fetch(`${production.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toContain('GraphiQL');
    const works = await send(production, { query: '{ billingPortal(id: "x") { id } }' });
    expect(works.body).toEqual({ data: { billingPortal: null } });
  });
});
