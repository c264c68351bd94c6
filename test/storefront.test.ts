import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG_A, ORG_B, portalBody, startService, type TestService } from './support/service.ts';

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(() => service.close());

/** A storefront read with a chosen Host header (fetch will not let us set Host, so we go through node:http). */
async function storefront(
  path: string,
  host?: string,
): Promise<{ status: number; body: any; headers: Record<string, unknown> }> {
  const { request } = await import('node:http');
  const url = new URL(path, service.url);
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: host ? { host } : {} }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text), headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

const PUBLIC_KEYS = ['id', 'websiteId', 'slug', 'features', 'customization', '_links'];

describe('storefront', () => {
  it("shows an active portal's public view without credentials, and nothing internal", async () => {
    await service.rest('PUT', '/billing-portals/shop', {
      body: portalBody({ slug: 'Shop-Front', name: 'Internal name', customization: { colors: { primary: '123456' } } }),
    });
    const res = await storefront(`/organizations/${ORG_A.organizationId}/storefront/billing-portals/shop-front`);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(PUBLIC_KEYS);
    expect(res.body).toMatchObject({
      id: 'shop',
      slug: 'Shop-Front',
      customization: { colors: { primary: '123456' } },
    });
    expect(JSON.stringify(res.body)).not.toContain('Internal name');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it("answers 404 for a missing portal and for another organization's slug", async () => {
    expect(
      (await storefront(`/organizations/${ORG_A.organizationId}/storefront/billing-portals/nothing-here`)).status,
    ).toBe(404);
    await service.rest('PUT', '/billing-portals/b-shop', { body: portalBody({ slug: 'b-only-shop' }), key: ORG_B.key });
    const res = await storefront(`/organizations/${ORG_A.organizationId}/storefront/billing-portals/b-only-shop`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ status: 404, title: 'Not Found' });
  });

  it('answers 404 as soon as a portal is deactivated, and serves it again once reactivated', async () => {
    const body = portalBody({ slug: 'toggled-shop' });
    const path = `/organizations/${ORG_A.organizationId}/storefront/billing-portals/toggled-shop`;
    await service.rest('PUT', '/billing-portals/toggled', { body });
    expect((await storefront(path)).status).toBe(200);
    await service.rest('PUT', '/billing-portals/toggled', { body: { ...body, status: 'inactive' } });
    expect((await storefront(path)).status).toBe(404);
    await service.rest('PUT', '/billing-portals/toggled', { body: { ...body, status: 'active' } });
    expect((await storefront(path)).status).toBe(200);
    await service.rest('DELETE', '/billing-portals/toggled');
    expect((await storefront(path)).status).toBe(404);
  });

  it('resolves a portal on its custom domain from the Host header', async () => {
    await service.rest('PUT', '/billing-portals/domain-shop', {
      body: portalBody({ slug: 'domain-shop', customDomain: 'Pay.Shop.Example' }),
    });
    const res = await storefront('/storefront/billing-portals/domain-shop', 'pay.shop.example:443');
    expect(res.status).toBe(200);
    expect(res.body.id).toBe('domain-shop');
    expect(res.body._links[0].href).toBe('http://pay.shop.example:443/storefront/billing-portals/domain-shop');
    expect((await storefront('/storefront/billing-portals/domain-shop', 'PAY.SHOP.EXAMPLE')).status).toBe(200);
    expect((await storefront('/storefront/billing-portals/domain-shop', 'other.example')).status).toBe(404);
    expect((await storefront('/storefront/billing-portals/domain-shop')).status).toBe(404);
    expect((await storefront('/storefront/billing-portals/shop-front', 'pay.shop.example')).status).toBe(404);
  });

  it("gives a custom domain to one organization only: another organization's portal naming it is a 422", async () => {
    await service.rest('PUT', '/billing-portals/owner', { body: portalBody({ customDomain: 'owned.example.com' }) });
    const second = await service.rest('PUT', '/billing-portals/second', {
      body: portalBody({ customDomain: 'owned.example.com' }),
    });
    expect(second.status).toBe(201);
    const thief = await service.rest('PUT', '/billing-portals/thief', {
      body: portalBody({ customDomain: 'OWNED.example.com' }),
      key: ORG_B.key,
    });
    expect(thief.status).toBe(422);
    expect(thief.body.invalidFields).toEqual([
      { field: 'customDomain', message: 'is already used by another organization' },
    ]);
    const viaPost = await service.rest('POST', '/billing-portals', {
      body: portalBody({ customDomain: 'owned.example.com' }),
      key: ORG_B.key,
    });
    expect(viaPost.status).toBe(422);
    expect(
      await service.portals.countDocuments({ organizationId: ORG_B.organizationId, customDomain: 'owned.example.com' }),
    ).toBe(0);
  });

  it('lets the domain pass to another organization once no portal of its owner uses it', async () => {
    await service.rest('PUT', '/billing-portals/leaving', { body: portalBody({ customDomain: 'moving.example.com' }) });
    await service.rest('PUT', '/billing-portals/leaving', { body: portalBody({ customDomain: null }) });
    const res = await service.rest('PUT', '/billing-portals/arriving', {
      body: portalBody({ slug: 'arriving-shop', customDomain: 'moving.example.com' }),
      key: ORG_B.key,
    });
    expect(res.status).toBe(201);
    expect((await storefront('/storefront/billing-portals/arriving-shop', 'moving.example.com')).body.id).toBe(
      'arriving',
    );
  });
});
