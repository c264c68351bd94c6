/** X-Forwarded-Proto/-Host shape links only when a named, trusted proxy sends them, and only as a scheme and a host. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portalBody, startService, type TestService } from './support/service.ts';

let trusted: TestService;
let untrusted: TestService;
beforeAll(async () => {
  [trusted, untrusted] = await Promise.all([
    startService({ settings: { trustProxy: ['127.0.0.1'] } }),
    startService({ settings: { trustProxy: ['10.0.0.0/8', '192.168.1.7'] } }),
  ]);
});
afterAll(() => Promise.all([trusted?.close(), untrusted?.close()]));

describe('a trusted proxy', () => {
  it('has its scheme and host used for Location', async () => {
    const created = await trusted.rest('PUT', '/billing-portals/fw-1', {
      body: portalBody(),
      headers: { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'billing.example.com' },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('https://billing.example.com/billing-portals/fw-1');
  });

  it('cannot make a link with a scheme other than http or https: 400, nothing stored', async () => {
    const refused = await trusted.rest('PUT', '/billing-portals/fw-2', {
      body: portalBody(),
      headers: { 'X-Forwarded-Proto': 'javascript', 'X-Forwarded-Host': 'evil.example' },
    });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('location')).toBeNull();
    expect(refused.body.detail).toBe('X-Forwarded-Proto must be http or https.');
    expect(JSON.stringify(refused.body)).not.toContain('evil.example');
    expect(await trusted.portals.countDocuments({ id: 'fw-2' })).toBe(0);
  });

  it('cannot make a link with a host that is not a host name', async () => {
    const refused = await trusted.rest('PUT', '/billing-portals/fw-3', {
      body: portalBody(),
      headers: { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'evil.example/path?' },
    });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('location')).toBeNull();
    expect(await trusted.portals.countDocuments({ id: 'fw-3' })).toBe(0);
  });
});

describe('a proxy not in TRUST_PROXY', () => {
  it('has its X-Forwarded-* ignored: links name the connection’s own scheme and Host', async () => {
    const created = await untrusted.rest('PUT', '/billing-portals/fw-4', {
      body: portalBody(),
      headers: { 'X-Forwarded-Proto': 'javascript', 'X-Forwarded-Host': 'evil.example' },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${untrusted.url}/billing-portals/fw-4`);
  });
});
