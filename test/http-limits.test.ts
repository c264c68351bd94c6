import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpsertPortal } from './support/operations.ts';
import { ORG_A, ORG_B, portalBody, startService, type TestService } from './support/service.ts';

let service: TestService;
beforeAll(async () => {
  service = await startService({ settings: { writesPerMinute: 5, headersTimeoutMs: 300, requestTimeoutMs: 600 } });
});
afterAll(() => service.close());

/** Sends raw bytes and resolves with what the server answered before it closed the connection. */
function stalledRequest(bytes: string): Promise<string> {
  const url = new URL(service.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.write(bytes));
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

describe('slow and stalled clients', () => {
  it('cuts off a client that never finishes its headers', async () => {
    const answer = await stalledRequest('GET /billing-portals HTTP/1.1\r\nHost: x\r\nREB-APIKEY: ');
    expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
  });

  it('cuts off a client that never finishes its body, and stores nothing', async () => {
    const answer = await stalledRequest(
      `PUT /billing-portals/stalled HTTP/1.1\r\nHost: x\r\nREB-APIKEY: ${ORG_A.key}\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{"websiteId":`,
    );
    expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
    expect(await service.portals.countDocuments({ id: 'stalled' })).toBe(0);
  });
});

describe('body size', () => {
  it('answers 413 at the GraphQL door too', async () => {
    const response = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'REB-APIKEY': ORG_B.key },
      body: JSON.stringify({ query: '{ __typename }', variables: { padding: 'x'.repeat(1024 * 1024) } }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      errors: [
        {
          message: 'Request body too large (the limit is 1048576 bytes).',
          extensions: { code: 'REQUEST_ENTITY_TOO_LARGE', requestId: response.headers.get('x-request-id') },
        },
      ],
    });
  });
});

describe('write rate limit per organization, shared by both doors', () => {
  it('counts REST writes and GraphQL mutations against one budget and answers 429 with its headers', async () => {
    const first = await service.rest('PUT', '/billing-portals/budget-1', { body: portalBody() });
    expect(first.status).toBe(201);
    expect(first.headers.get('x-ratelimit-limit')).toBe('5');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('4');
    const resetsAt = Number(first.headers.get('x-ratelimit-retry-after'));
    expect(resetsAt).toBeGreaterThan(Date.now() / 1000);
    expect(resetsAt).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 60);

    // Two mutation fields in one GraphQL request spend two writes.
    const viaGraphQL = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'REB-APIKEY': ORG_A.key },
      body: JSON.stringify({
        query: `mutation { a: deleteBillingPortal(id: "nope-1") { __typename } b: deleteBillingPortal(id: "nope-2") { __typename } }`,
      }),
    });
    expect(viaGraphQL.status).toBe(200);
    expect(viaGraphQL.headers.get('x-ratelimit-remaining')).toBe('2');
    expect((await service.rest('DELETE', '/billing-portals/nope-3')).status).toBe(404);
    expect((await service.rest('POST', '/billing-portals', { body: portalBody() })).status).toBe(201);

    const limited = await service.rest('PUT', '/billing-portals/budget-2', { body: portalBody() });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ status: 429, title: 'Too Many Requests' });
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('x-ratelimit-retry-after')).toBe(String(resetsAt));
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await service.portals.countDocuments({ id: 'budget-2' })).toBe(0);

    const limitedMutation = await service.graphql(UpsertPortal, { id: 'budget-3', input: portalBody() as never });
    expect(limitedMutation.status).toBe(429);
    expect(limitedMutation.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    const rawLimited = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'REB-APIKEY': ORG_A.key },
      body: JSON.stringify({ query: 'mutation { deleteBillingPortal(id: "x") { __typename } }' }),
    });
    expect(rawLimited.status).toBe(429);
    expect(rawLimited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(rawLimited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await service.portals.countDocuments({ id: 'budget-3' })).toBe(0);

    // Reads are not writes, and another organization has its own budget.
    expect((await service.rest('GET', '/billing-portals/budget-1')).status).toBe(200);
    expect(
      (await service.rest('PUT', '/billing-portals/budget-b', { body: portalBody(), key: ORG_B.key })).status,
    ).toBe(201);
  });
});

describe('rate limit off', () => {
  it('RATE_LIMIT=0 turns it off', async () => {
    const unlimited = await startService({ settings: { writesPerMinute: 0 } });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await unlimited.rest('PUT', `/billing-portals/free-${i}`, { body: portalBody() });
        expect(res.status).toBe(201);
        expect(res.headers.get('x-ratelimit-limit')).toBeNull();
      }
    } finally {
      await unlimited.close();
    }
  });
});
