/**
 * List pages are filled from a per-instance cache of portals, trusted only at the version each was
 * read at (revision and updatedTime). Two instances share one database here: whatever one writes, the other's
 * next page shows — never a stale copy — including portals written before revisions existed.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { ApiKeys } from '../src/auth/credentials.ts';
import { PortalService } from '../src/portals/service.ts';
import { PortalStore } from '../src/portals/mongo/store.ts';
import { MongoWriteCounter } from '../src/limits/write-counter.ts';
import { schema } from '../src/graphql/schema/index.ts';
import { ORG_A, portalBody, startService, type TestService } from './support/service.ts';

let first: TestService;
let second: FastifyInstance;
let secondUrl: string;

beforeAll(async () => {
  first = await startService();
  second = await buildApp({
    schema,
    portals: new PortalService(PortalStore.fromDb(first.db)),
    apiKeys: new ApiKeys(new Map([[ORG_A.key, ORG_A.organizationId]])),
    databaseReady: async () => true,
    writeCounter: new MongoWriteCounter(first.db),
  });
  secondUrl = await second.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await second.close();
  await first.close();
});

const names = async (url: string) => {
  const response = await fetch(`${url}/billing-portals?filter=websiteId:web-fresh&sort=-createdTime`, {
    headers: { 'REB-APIKEY': ORG_A.key },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as Array<{ id: string; name: string }>).map((p) => `${p.id}:${p.name}`);
};
const graphqlNames = async (url: string) => {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'REB-APIKEY': ORG_A.key },
    body: JSON.stringify({
      query: '{ billingPortals(filter: { websiteId: { in: ["web-fresh"] } }) { edges { node { id name } } } }',
    }),
  });
  const body = (await response.json()) as {
    data: { billingPortals: { edges: Array<{ node: { id: string; name: string } }> } };
  };
  return body.data.billingPortals.edges.map(({ node }) => `${node.id}:${node.name}`);
};
const put = (url: string, id: string, name: string) =>
  fetch(`${url}/billing-portals/${id}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'REB-APIKEY': ORG_A.key },
    body: JSON.stringify(portalBody({ websiteId: 'web-fresh', slug: `fresh-${id}`, name })),
  });

describe('list pages across instances', () => {
  it('show what another instance wrote, at once', async () => {
    expect((await put(first.url, 'fresh-1', 'One')).status).toBe(201);
    expect((await put(first.url, 'fresh-2', 'Two')).status).toBe(201);
    // Both instances have read (and cached) the page.
    expect(await names(first.url)).toEqual(['fresh-2:Two', 'fresh-1:One']);
    expect(await names(secondUrl)).toEqual(['fresh-2:Two', 'fresh-1:One']);
    expect(await graphqlNames(secondUrl)).toEqual(['fresh-2:Two', 'fresh-1:One']);

    expect((await put(first.url, 'fresh-1', 'One, renamed')).status).toBe(200);
    expect(await names(secondUrl)).toEqual(['fresh-2:Two', 'fresh-1:One, renamed']);
    expect(await graphqlNames(secondUrl)).toEqual(['fresh-2:Two', 'fresh-1:One, renamed']);

    expect(
      (await fetch(`${secondUrl}/billing-portals/fresh-2`, { method: 'DELETE', headers: { 'REB-APIKEY': ORG_A.key } }))
        .status,
    ).toBe(204);
    expect(await names(first.url)).toEqual(['fresh-1:One, renamed']);

    // Deleted and written again under the same id: a new portal, not the cached one.
    expect((await put(first.url, 'fresh-2', 'Two again')).status).toBe(201);
    expect(await names(secondUrl)).toEqual(['fresh-2:Two again', 'fresh-1:One, renamed']);
  });

  it('show what a writer that knows nothing of revisions changed (an older instance mid-deploy)', async () => {
    expect(await names(first.url)).toContain('fresh-1:One, renamed');
    await first.portals.updateOne(
      { id: 'fresh-1' },
      { $set: { name: 'Renamed the old way', updatedTime: new Date() } },
    );
    expect(await names(first.url)).toContain('fresh-1:Renamed the old way');
  });

  it('never list a portal that a concurrent write took off the page', async () => {
    const ids = Array.from({ length: 6 }, (_, i) => `race-${i}`);
    const write = (id: string, status: string) =>
      fetch(`${first.url}/billing-portals/${id}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'REB-APIKEY': ORG_A.key },
        body: JSON.stringify(portalBody({ websiteId: 'web-race', slug: id, name: id, status })),
      });
    for (const id of ids) expect((await write(id, 'active')).status).toBe(201);
    const active = async () => {
      const response = await fetch(`${secondUrl}/billing-portals?filter=websiteId:web-race;status:active`, {
        headers: { 'REB-APIKEY': ORG_A.key },
      });
      return (await response.json()) as Array<{ id: string; status: string }>;
    };
    let writes = 0;
    const writer = (async () => {
      for (let round = 0; round < 60; round += 1) {
        await Promise.all(ids.map((id, i) => write(id, (round + i) % 2 === 0 ? 'active' : 'inactive')));
        writes += ids.length;
      }
    })();
    let pages = 0;
    while (writes < ids.length * 60) {
      for (const portal of await active()) expect(portal.status, portal.id).toBe('active');
      pages += 1;
    }
    await writer;
    expect(pages).toBeGreaterThan(10);
  });

  it('read portals stored before revisions existed whole, every time', async () => {
    const { revision: _revision, _id, ...legacy } = (await first.portals.findOne({ id: 'fresh-1' }))!;
    await first.portals.insertOne({
      ...legacy,
      id: 'fresh-legacy',
      slug: 'fresh-legacy',
      lookup: { ...legacy.lookup, slug: 'fresh-legacy' },
      createdTime: new Date(0),
    });
    expect(await names(first.url)).toContain(`fresh-legacy:${legacy.name}`);
    // A change made without a new revision (as an old writer would) is still seen: such portals are never cached.
    await first.portals.updateOne({ id: 'fresh-legacy' }, { $set: { name: 'Legacy' } });
    expect(await names(first.url)).toContain('fresh-legacy:Legacy');
  });
});
