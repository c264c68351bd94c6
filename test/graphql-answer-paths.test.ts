/**
 * The GraphQL door answers a plain JSON POST through a short path (src/graphql/server/json-post.ts) and
 * everything else through Yoga whole; a query the short path has answered without errors is answered
 * again from its compiled form, without Yoga (src/graphql/server/prepared-queries.ts). A client must not
 * be able to tell them apart: every request here is sent three times with no Accept (the short path: the
 * first run, the run that compiles, then a prepared run) and once with `Accept: application/json, *\/*`
 * (which Yoga serves with the same application/json serializer) — and the answers must be identical.
 */
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetPortal } from './support/operations.ts';
import { ORG_A, startService, type TestService } from './support/service.ts';

let service: TestService;
beforeAll(async () => {
  service = await startService({ metricsToken: METRICS_TOKEN, settings: { writesPerMinute: 1000 } });
  await send({
    query:
      'mutation { upsertBillingPortal(id: "paths-1", input: { websiteId: "web-paths", slug: "paths-1", name: "Paths" }) { __typename } }',
  });
});
afterAll(() => service.close());

const METRICS_TOKEN = 'answer-paths-metrics-token';
const SHORT = undefined;

/** How many runs of remembered queries were answered without Yoga, and how many were handed back to it. */
async function preparedRuns(): Promise<{ answered: number; handedBack: number }> {
  const text = await (
    await fetch(`${service.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
  ).text();
  const count = (result: string) =>
    Number(new RegExp(`^graphql_prepared_queries_total\\{result="${result}"\\} (\\d+)$`, 'm').exec(text)?.[1]);
  return { answered: count('answered'), handedBack: count('handed_back') };
}
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
    const whole = await send(body, { ...options, accept: WHOLE, requestId });
    for (let run = 1; run <= 3; run++) {
      const short = await send(body, { ...options, accept: SHORT, requestId });
      expect(short, `run ${run}`).toEqual(whole);
      expect(short.contentType).toBe('application/json; charset=utf-8');
    }
  });

  it('answers a query it has answered before without Yoga, and hands a run with an error back to it', async () => {
    const read = {
      query: 'query Again($id: ID!) { billingPortal(id: $id) { id name } }',
      variables: { id: 'paths-1' },
    };
    const before = await preparedRuns();
    for (let run = 0; run < 4; run++) await send(read);
    // Runs 1 and 2 are Yoga's (the second compiles the query); 3 and 4 are answered from the compiled form.
    expect(await preparedRuns()).toEqual({ ...before, answered: before.answered + 2 });

    // The same text under another name, or one that spells the text again: not the remembered query.
    for (const [operationName, query] of [
      ['', read.query],
      [`\n${read.query}`, '#'],
    ]) {
      const other = { query, operationName, variables: read.variables };
      expect(await send(other, { requestId: 'again-0' })).toEqual(
        await send(other, { accept: WHOLE, requestId: 'again-0' }),
      );
    }
    expect(await preparedRuns()).toEqual({ ...before, answered: before.answered + 2 });

    // The same query with a variable graphql-js refuses: handed back, and Yoga answers it.
    const refused = await send({ ...read, variables: { id: { nested: true } } }, { requestId: 'again-1' });
    expect(refused).toEqual(
      await send({ ...read, variables: { id: { nested: true } } }, { accept: WHOLE, requestId: 'again-1' }),
    );
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body).errors[0].message).toMatch(/^Variable "\$id" got invalid value/);
    expect(await preparedRuns()).toEqual({ answered: before.answered + 2, handedBack: before.handedBack + 1 });
  });

  it('answers the short path with the data a client asked for', async () => {
    const answer = await send({ query: '{ billingPortal(id: "paths-1") { id name } }' });
    expect(answer).toMatchObject({ status: 200, body: '{"data":{"billingPortal":{"id":"paths-1","name":"Paths"}}}' });
  });
});
