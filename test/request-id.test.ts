/**
 * Every request has an id: the caller's valid X-Request-Id, or a new one. It comes back in X-Request-Id,
 * in every problem body and GraphQL error, and on every log line of the request.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG_A, startService, type TestService } from './support/service.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let service: TestService;
const logLines: Array<Record<string, unknown>> = [];
beforeAll(async () => {
  const logStream = new PassThrough();
  logStream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
  });
  service = await startService({ logStream });
});
afterAll(() => service?.close());

function get(path: string, headers: Record<string, string> = {}) {
  return fetch(`${service.url}${path}`, { headers: { 'REB-APIKEY': ORG_A.key, ...headers } });
}

describe('request ids', () => {
  it("keeps a caller's valid X-Request-Id and puts it in the problem body", async () => {
    const response = await get('/billing-portals/absent', { 'x-request-id': 'client-abc.123:7' });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toBe('client-abc.123:7');
    expect(await response.json()).toMatchObject({ status: 404, requestId: 'client-abc.123:7' });
  });

  it('makes a new id when the caller sends none, or one that is not plausible', async () => {
    const seen = new Set<string>();
    for (const sent of [undefined, 'has spaces in it', 'x'.repeat(129), '"quoted"', '']) {
      const response = await get('/healthz', sent === undefined ? {} : { 'x-request-id': sent });
      const id = response.headers.get('x-request-id') ?? '';
      expect(id, String(sent)).toMatch(UUID);
      seen.add(id);
    }
    expect(seen.size).toBe(5);
  });

  it('puts the id in GraphQL errors, whatever stage refused the request', async () => {
    const cases: Array<[string, Record<string, string>]> = [
      ['{ billingPortal(id: "x") { colour } }', {}],
      ['{ billingPortal(id: ', {}],
      ['{ billingPortal(id: "x") { id } }', { 'REB-APIKEY': 'not-a-key-000' }],
    ];
    for (const [query, headers] of cases) {
      const response = await fetch(`${service.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'REB-APIKEY': ORG_A.key, 'x-request-id': 'gql-1', ...headers },
        body: JSON.stringify({ query }),
      });
      expect(response.headers.get('x-request-id')).toBe('gql-1');
      const { errors } = await response.json();
      expect(errors.length, query).toBeGreaterThan(0);
      for (const error of errors) expect(error.extensions.requestId, query).toBe('gql-1');
    }
  });

  it('labels every log line of the request with the id', async () => {
    await get('/billing-portals/absent', { 'x-request-id': 'logged-42' });
    const lines = logLines.filter((line) => JSON.stringify(line).includes('logged-42'));
    expect(lines.map((line) => line.msg)).toEqual(['incoming request', 'request completed']);
    for (const line of lines) expect(line.requestId).toBe('logged-42');
  });
});
