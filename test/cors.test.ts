/** One cross-origin policy for both doors: CORS_ORIGINS, never a reflected stranger, never credentials. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG_A, portalBody, startService, type TestService } from './support/service.ts';

const APP = 'https://app.example.com';
const STRANGER = 'https://evil.example';

let listed: TestService;
let unset: TestService;
beforeAll(async () => {
  [listed, unset] = await Promise.all([
    startService({ settings: { corsOrigins: [APP, 'http://localhost:5173'] } }),
    startService(),
  ]);
});
afterAll(() => Promise.all([listed?.close(), unset?.close()]));

const accessControl = (headers: Headers) =>
  Object.fromEntries([...headers].filter(([name]) => name.startsWith('access-control-')));

function preflight(target: TestService, path: string, origin: string, method = 'POST') {
  return fetch(`${target.url}${path}`, {
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': method,
      'Access-Control-Request-Headers': 'reb-apikey, content-type, if-match',
    },
  });
}

const DOORS = [
  ['/graphql', 'POST'],
  ['/billing-portals/p1', 'PUT'],
  ['/organizations/org-a/billing-portals', 'POST'],
] as const;

describe('a listed origin', () => {
  it.each(DOORS)('gets the same preflight answer at %s', async (path, method) => {
    const answer = await preflight(listed, path, APP, method);
    expect(answer.status).toBe(204);
    const headers = accessControl(answer.headers);
    expect(headers).toMatchObject({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': 'GET, HEAD, POST, PUT, DELETE',
      'access-control-max-age': '600',
    });
    expect(headers['access-control-allow-credentials']).toBeUndefined();
    const allowed = headers['access-control-allow-headers'].toLowerCase().split(', ');
    for (const name of [
      'reb-apikey',
      'authorization',
      'content-type',
      'if-match',
      'if-none-match',
      'idempotency-key',
    ]) {
      expect(allowed).toContain(name);
    }
    expect(answer.headers.get('vary')).toMatch(/origin/i);
  });

  it('may read the headers the service sends, at both doors', async () => {
    const created = await listed.rest('POST', '/billing-portals', {
      body: portalBody(),
      headers: { Origin: APP, 'Idempotency-Key': 'cors-key-1' },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('access-control-allow-origin')).toBe(APP);
    const exposed = created.headers.get('access-control-expose-headers')!.toLowerCase().split(', ');
    for (const name of [
      'etag',
      'location',
      'x-ratelimit-remaining',
      'retry-after',
      'idempotent-replayed',
      'x-request-id',
    ]) {
      expect(exposed).toContain(name);
    }
    expect(exposed).toEqual(expect.arrayContaining(['pagination-total', 'pagination-limit', 'pagination-offset']));

    const graphql = await fetch(`${listed.url}/graphql`, {
      method: 'POST',
      headers: { Origin: APP, 'content-type': 'application/json', 'REB-APIKEY': ORG_A.key },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(graphql.status).toBe(200);
    expect(graphql.headers.get('access-control-allow-origin')).toBe(APP);
    expect(graphql.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('reads a 401 too, so a browser app can tell a bad key', async () => {
    const refused = await listed.rest('GET', '/billing-portals', { key: null, headers: { Origin: APP } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(APP);
  });
});

describe('an origin not listed', () => {
  it.each(DOORS)('gets no Access-Control-* header on a preflight at %s: 405, as any OPTIONS', async (path, method) => {
    const answer = await preflight(listed, path, STRANGER, method);
    expect(answer.status).toBe(405);
    expect(accessControl(answer.headers)).toEqual({});
  });

  it('gets no Access-Control-* header on a request at either door', async () => {
    const read = await listed.rest('GET', '/billing-portals', { headers: { Origin: STRANGER } });
    expect(read.status).toBe(200);
    expect(accessControl(read.headers)).toEqual({});
    const graphql = await fetch(`${listed.url}/graphql`, {
      method: 'POST',
      headers: { Origin: STRANGER, 'content-type': 'application/json', 'REB-APIKEY': ORG_A.key },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(accessControl(graphql.headers)).toEqual({});
  });

  it('is not matched by a prefix or a different scheme or port', async () => {
    for (const origin of [
      'https://app.example.com.evil.example',
      'http://app.example.com',
      'https://app.example.com:8443',
    ]) {
      expect(accessControl((await preflight(listed, '/graphql', origin)).headers)).toEqual({});
    }
  });
});

describe('CORS_ORIGINS unset', () => {
  it.each(DOORS)('sends no CORS headers at %s, whatever the origin', async (path, method) => {
    for (const origin of [APP, STRANGER]) {
      const answer = await preflight(unset, path, origin, method);
      expect(answer.status).toBe(405);
      expect(accessControl(answer.headers)).toEqual({});
    }
    const graphql = await fetch(`${unset.url}/graphql`, {
      method: 'POST',
      headers: { Origin: STRANGER, 'content-type': 'application/json', 'REB-APIKEY': ORG_A.key },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(accessControl(graphql.headers)).toEqual({});
  });
});

describe('CORS_ORIGINS=*', () => {
  it('allows any origin, without credentials', async () => {
    const open = await startService({ settings: { corsOrigins: '*' } });
    try {
      const answer = await preflight(open, '/graphql', STRANGER);
      expect(answer.status).toBe(204);
      expect(answer.headers.get('access-control-allow-origin')).toBe('*');
      expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
    } finally {
      await open.close();
    }
  });
});
