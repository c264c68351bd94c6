/**
 * Conditional requests: every portal has a revision, REST's strong ETag. Writes with If-Match (or
 * GraphQL's ifRevision) happen only at that revision, checked and written in one database operation;
 * If-None-Match: * creates only; reads answer 304 to a matching If-None-Match.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeletePortal, GetPortal, UpsertPortal } from './support/operations.ts';
import { portalBody, startService, type TestService } from './support/service.ts';

let service: TestService;
beforeAll(async () => {
  service = await startService({ settings: { writesPerMinute: 0 } });
});
afterAll(() => service?.close());

const put = (id: string, headers: Record<string, string> = {}, body = portalBody({ slug: `slug-${id}` })) =>
  service.rest('PUT', `/billing-portals/${id}`, { body, headers });

async function created(id: string): Promise<string> {
  const response = await put(id);
  expect(response.status).toBe(201);
  return response.headers.get('etag')!;
}

describe('ETags', () => {
  it("GET, PUT and POST carry a strong ETag that is the portal's revision, new on every write", async () => {
    const first = await put('etag-1');
    const etag = first.headers.get('etag')!;
    expect(etag).toBe(`"${first.body.revision}"`);
    const read = await service.rest('GET', '/billing-portals/etag-1');
    expect(read.headers.get('etag')).toBe(etag);
    const again = await put('etag-1');
    expect(again.headers.get('etag')).not.toBe(etag);
    const posted = await service.rest('POST', '/billing-portals', { body: portalBody() });
    expect(posted.headers.get('etag')).toBe(`"${posted.body.revision}"`);
    const viaGraphQL = await service.graphql(GetPortal, { id: 'etag-1' });
    expect(`"${viaGraphQL.data!.billingPortal!.revision}"`).toBe(again.headers.get('etag'));
  });

  it('a GET with If-None-Match naming the current ETag (strong or weak) is 304 without a body', async () => {
    const etag = await created('etag-304');
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const response = await service.rest('GET', '/billing-portals/etag-304', {
        headers: { 'if-none-match': ifNoneMatch },
      });
      expect(response.status, ifNoneMatch).toBe(304);
      expect(response.body).toBeUndefined();
      expect(response.headers.get('etag')).toBe(etag);
    }
    const stale = await service.rest('GET', '/billing-portals/etag-304', { headers: { 'if-none-match': '"stale"' } });
    expect(stale.status).toBe(200);
  });

  it('the storefront sends an ETag and no-cache (a CDN may keep it but revalidates), and answers 304', async () => {
    await put('shop', {}, portalBody({ slug: 'shop-front' }));
    const view = await service.rest('GET', '/organizations/org-a/storefront/billing-portals/shop-front', { key: null });
    expect(view.status).toBe(200);
    expect(view.headers.get('cache-control')).toBe('no-cache');
    const etag = view.headers.get('etag')!;
    const headers = { 'if-none-match': etag };
    const again = await service.rest('GET', '/organizations/org-a/storefront/billing-portals/shop-front', {
      key: null,
      headers,
    });
    expect(again.status).toBe(304);
    await put('shop', {}, portalBody({ slug: 'shop-front', name: 'renamed' }));
    const changed = await service.rest('GET', '/organizations/org-a/storefront/billing-portals/shop-front', {
      key: null,
      headers,
    });
    expect(changed.status).toBe(200);
  });
});

describe('conditional writes over REST', () => {
  it('PUT with the current If-Match replaces; with a stale one it is 412, names the current ETag, changes nothing', async () => {
    const etag = await created('cond-put');
    const stale = await put(
      'cond-put',
      { 'if-match': '"not-the-revision"' },
      portalBody({ slug: 'cond-put', name: 'lost' }),
    );
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ status: 412, title: 'Precondition Failed' });
    expect(stale.body.detail).toContain(etag);
    expect(stale.headers.get('etag')).toBe(etag);
    expect((await service.rest('GET', '/billing-portals/cond-put')).body.name).toBe('Main portal');

    const ok = await put('cond-put', { 'if-match': etag }, portalBody({ slug: 'cond-put', name: 'won' }));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).not.toBe(etag);
    expect(ok.body.name).toBe('won');
    // The old ETag is spent.
    expect((await put('cond-put', { 'if-match': etag })).status).toBe(412);
  });

  it('If-Match: * writes only an existing portal; If-None-Match: * only creates', async () => {
    const absent = await put('cond-star', { 'if-match': '*' });
    expect(absent.status).toBe(412);
    expect((await service.rest('GET', '/billing-portals/cond-star')).status).toBe(404);
    const create = await put('cond-star', { 'if-none-match': '*' });
    expect(create.status).toBe(201);
    const again = await put('cond-star', { 'if-none-match': '*' }, portalBody({ slug: 'slug-cond-star', name: 'x' }));
    expect(again.status).toBe(412);
    expect(again.headers.get('etag')).toBe(create.headers.get('etag'));
    expect((await service.rest('GET', '/billing-portals/cond-star')).body.name).toBe('Main portal');
    expect((await put('cond-star', { 'if-match': '*' })).status).toBe(200);
  });

  it('a weak If-Match never matches (strong comparison)', async () => {
    const etag = await created('cond-weak');
    expect((await put('cond-weak', { 'if-match': `W/${etag}` })).status).toBe(412);
  });

  it('DELETE with a stale If-Match is 412 and deletes nothing; with the current one, 204', async () => {
    const etag = await created('cond-del');
    const stale = await service.rest('DELETE', '/billing-portals/cond-del', { headers: { 'if-match': '"stale"' } });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('etag')).toBe(etag);
    expect((await service.rest('GET', '/billing-portals/cond-del')).status).toBe(200);
    expect((await service.rest('DELETE', '/billing-portals/cond-del', { headers: { 'if-match': etag } })).status).toBe(
      204,
    );
    const gone = await service.rest('DELETE', '/billing-portals/cond-del', { headers: { 'if-match': etag } });
    expect(gone.status).toBe(412);
  });

  it.each([
    ['If-Match: not quoted', { 'if-match': 'abc' }],
    ['If-Match: two entity tags', { 'if-match': '"a", "b"' }],
    ['If-Match and If-None-Match together', { 'if-match': '"a"', 'if-none-match': '*' }],
    ['If-None-Match naming a tag on a write', { 'if-none-match': '"a"' }],
  ])('refuses %s with 400 and writes nothing', async (_name, headers) => {
    const response = await put('cond-bad', headers);
    expect(response.status).toBe(400);
    expect(response.body.detail).toMatch(/If-(None-)?Match/);
    expect((await service.rest('GET', '/billing-portals/cond-bad')).status).toBe(404);
  });

  it('20 concurrent PUTs with the same If-Match: exactly one wins, the others are 412', async () => {
    const etag = await created('cond-race');
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        put('cond-race', { 'if-match': etag }, portalBody({ slug: 'slug-cond-race', name: `writer ${i}` })),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, ...Array(19).fill(412)]);
    const winner = answers.find((a) => a.status === 200)!;
    const now = await service.rest('GET', '/billing-portals/cond-race');
    expect(now.headers.get('etag')).toBe(winner.headers.get('etag'));
    expect(now.body.name).toBe(winner.body.name);
  });

  it('a portal written without a revision (by another writer) still has an ETag and takes conditional writes', async () => {
    const etag = await created('cond-legacy');
    await service.portals.updateOne({ organizationId: 'org-a', id: 'cond-legacy' }, { $unset: { revision: '' } });
    const read = await service.rest('GET', '/billing-portals/cond-legacy');
    const legacyEtag = read.headers.get('etag')!;
    expect(legacyEtag).not.toBe(etag);
    expect(read.body.revision).toBe(legacyEtag.slice(1, -1));
    expect((await put('cond-legacy', { 'if-match': '"t1"' })).status).toBe(412);
    expect((await put('cond-legacy', { 'if-match': legacyEtag })).status).toBe(200);
  });
});

describe('conditional writes over GraphQL', () => {
  it('upsertBillingPortal with ifRevision / ifExists answers ConflictError data when the state differs', async () => {
    const etag = await created('gql-cond');
    const revision = etag.slice(1, -1);
    const input = { websiteId: 'web-1', slug: 'slug-gql-cond', name: 'by graphql' };
    const stale = await service.graphql(UpsertPortal, { id: 'gql-cond', input, ifRevision: 'stale' });
    expect(stale.data!.upsertBillingPortal).toMatchObject({
      __typename: 'ConflictError',
      id: 'gql-cond',
      currentRevision: revision,
    });
    const createOnly = await service.graphql(UpsertPortal, { id: 'gql-cond', input, ifExists: false });
    expect(createOnly.data!.upsertBillingPortal).toMatchObject({
      __typename: 'ConflictError',
      currentRevision: revision,
    });
    const mustExist = await service.graphql(UpsertPortal, { id: 'gql-absent', input, ifExists: true });
    expect(mustExist.data!.upsertBillingPortal).toMatchObject({ __typename: 'ConflictError', currentRevision: null });
    expect((await service.rest('GET', '/billing-portals/gql-absent')).status).toBe(404);

    const ok = await service.graphql(UpsertPortal, { id: 'gql-cond', input, ifRevision: revision });
    expect(ok.data!.upsertBillingPortal).toMatchObject({ __typename: 'UpsertBillingPortalSuccess', created: false });
  });

  it('deleteBillingPortal with a stale ifRevision answers ConflictError and deletes nothing', async () => {
    const etag = await created('gql-del');
    const stale = await service.graphql(DeletePortal, { id: 'gql-del', ifRevision: 'stale' });
    expect(stale.data!.deleteBillingPortal).toMatchObject({
      __typename: 'ConflictError',
      currentRevision: etag.slice(1, -1),
    });
    expect((await service.rest('GET', '/billing-portals/gql-del')).status).toBe(200);
    const ok = await service.graphql(DeletePortal, { id: 'gql-del', ifRevision: etag.slice(1, -1) });
    expect(ok.data!.deleteBillingPortal).toMatchObject({ __typename: 'DeleteBillingPortalSuccess' });
  });
});
