import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG_A, ORG_B, portalBody, startService, type TestService } from './support/service.ts';
import { storefrontGet } from './support/storefront.ts';

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(() => service.close());

const storefront = (path: string, host?: string) => storefrontGet(service.url, path, host);

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
  // Custom domains: test/custom-domains.test.ts.
});
