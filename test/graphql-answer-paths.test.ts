/**
 * The GraphQL door answers a plain JSON POST through a short path (src/graphql/server/json-post.ts) and
 * everything else through Yoga whole. A client must not be able to tell them apart: every request
 * here is sent both ways — with no Accept (the short path) and with `Accept: application/json, *\/*`
 * (which Yoga serves with the same application/json serializer) — and the answers must be identical.
 */
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetPortal } from './support/operations.ts';
import { ORG_A, startService, type TestService } from './support/service.ts';

let service: TestService;
beforeAll(async () => {
  service = await startService({ settings: { writesPerMinute: 1000 } });
  await send({
    query:
      'mutation { upsertBillingPortal(id: "paths-1", input: { websiteId: "web-paths", slug: "paths-1", name: "Paths" }) { __typename } }',
  });
});
afterAll(() => service.close());

const SHORT = undefined;
const WHOLE = 'application/json, */*';

async function send(
  body: unknown,
  options: { accept?: string; key?: string | null; raw?: boolean; requestId?: string } = {},
) {
  const key = options.key === undefined ? ORG_A.key : options.key;
  const response = await fetch(`${service.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      // undici sends `accept: */*` unless told otherwise; an empty value is what no Accept looks like to us.
      accept: options.accept ?? '',
      // The same id both ways, so that the error bodies' extensions.requestId match.
      ...(options.requestId ? { 'x-request-id': options.requestId } : {}),
      ...(key === null ? {} : { 'REB-APIKEY': key }),
    },
    body: options.raw ? (body as string) : JSON.stringify(body),
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    wwwAuthenticate: response.headers.get('www-authenticate'),
    rateLimited: response.headers.has('x-ratelimit-limit'),
    body: await response.text(),
  };
}

const CASES: Array<[string, unknown, { key?: string | null; raw?: boolean }?]> = [
  ['a read with every field', { query: print(GetPortal), variables: { id: 'paths-1' } }],
  ['a read of nothing', { query: '{ billingPortal(id: "absent") { id } }' }],
  [
    'a page',
    { query: '{ billingPortals(first: 2) { totalCount edges { cursor node { id } } pageInfo { hasNextPage } } }' },
  ],
  ['a read without a key', { query: '{ billingPortal(id: "paths-1") { id } }' }, { key: null }],
  ['a read with an unknown key', { query: '{ billingPortal(id: "paths-1") { id } }' }, { key: 'not-a-key-000' }],
  ['the schema without a key', { query: '{ __schema { queryType { name } } __typename }' }, { key: null }],
  ['a syntax error', { query: '{ billingPortal(id: ' }],
  ['an unknown field', { query: '{ billingPortal(id: "paths-1") { colour } }' }],
  [
    'a variable of the wrong type',
    { query: 'query($id: ID!) { billingPortal(id: $id) { id } }', variables: { id: { nested: true } } },
  ],
  ['a missing variable', { query: 'query($id: ID!) { billingPortal(id: $id) { id } }' }],
  [
    'an impossible date',
    {
      query: 'query($from: DateTime!) { billingPortals(filter: { updatedTime: { from: $from } }) { totalCount } }',
      variables: { from: '2026-02-30T00:00:00Z' },
    },
  ],
  ['no query', {}],
  ['a query that is not a string', { query: 5 }],
  ['variables that are not an object', { query: '{ __typename }', variables: 5 }],
  ['an operationName that is not a string', { query: '{ __typename }', operationName: 5 }],
  ['an unknown parameter', { query: '{ __typename }', colour: 'red' }],
  ['an unknown operation', { query: 'query A { __typename }', operationName: 'B' }],
  ['too many aliases', { query: `{ ${Array.from({ length: 11 }, (_, i) => `a${i}: __typename`).join(' ')} }` }],
  [
    'too deep',
    {
      query: '{ billingPortals { edges { node { customization { colors { primary } } } } } }'.replace(
        'primary',
        'primary __typename',
      ),
    },
  ],
  [
    'a mutation refused by validation',
    {
      query:
        'mutation { upsertBillingPortal(id: "paths-2", input: { websiteId: "w", slug: "no spaces", name: "" }) { __typename ... on ValidationError { invalidFields { field message } } } }',
    },
  ],
  [
    'a mutation that writes (same answer twice: no times, no created flag)',
    {
      query:
        'mutation { upsertBillingPortal(id: "paths-1", input: { websiteId: "web-paths", slug: "paths-1", name: "Paths" }) { __typename ... on UpsertBillingPortalSuccess { billingPortal { id name slug } } } }',
    },
  ],
  [
    'a mutation without a key',
    { query: 'mutation { deleteBillingPortal(id: "paths-9") { __typename } }' },
    { key: null },
  ],
  ['JSON that is not an object', 'null', { raw: true }],
  ['a batch', '[]', { raw: true }],
  ['broken JSON', '{"query": ', { raw: true }],
];

describe('the GraphQL door answers alike however a request is routed', () => {
  it.each(CASES)('%s', async (name, body, options = {}) => {
    const requestId = `paths-${name.replaceAll(' ', '-')}`;
    const short = await send(body, { ...options, accept: SHORT, requestId });
    const whole = await send(body, { ...options, accept: WHOLE, requestId });
    expect(short).toEqual(whole);
    expect(short.contentType).toBe('application/json; charset=utf-8');
  });

  it('answers the short path with the data a client asked for', async () => {
    const answer = await send({ query: '{ billingPortal(id: "paths-1") { id name } }' });
    expect(answer).toMatchObject({ status: 200, body: '{"data":{"billingPortal":{"id":"paths-1","name":"Paths"}}}' });
  });
});
