/**
 * The service's indexes (PORTAL_INDEXES) serve its queries on the embedded server: the same documents
 * in the same order as a scan of an unindexed copy, with `explain` showing which index answered and
 * how many entries were walked; index maintenance on writes; the indexes rebuilt after a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient, MongoServerError } from 'mongodb';
import type { Collection, Db, Document, Sort } from 'mongodb';
import { startEmbeddedMongo } from '@billing-portal/embedded-mongo';
import { externalServer, findPlanStage, openTestServer, winningPlan } from '@billing-portal/embedded-mongo/testing';
import type { TestServer } from '@billing-portal/embedded-mongo/testing';
import { PORTAL_INDEXES as INDEXES } from '../src/portals/mongo/indexes.ts';

const ORGS = ['org-a', 'org-b', 'org-c'];
const N = 1500;
const T0 = Date.UTC(2025, 0, 1);

function portal(i: number): Document {
  const org = ORGS[i % 3];
  const site = `site-${i % 7}`;
  // Several portals share a createdTime, so the id tie-breaker matters.
  const created = new Date(T0 + Math.floor(i / 4) * 60_000);
  return {
    organizationId: org,
    id: `p${String(i).padStart(5, '0')}`,
    name: `Portal ${i}${i % 11 === 0 ? ' Special' : ''}`,
    slug: `Slug-${i}`,
    status: i % 5 === 0 ? 'inactive' : 'active',
    customDomain: i % 13 === 0 ? `d${i}.example.com` : null,
    websiteId: site.toUpperCase(),
    lookup: { websiteId: site, slug: `slug-${i}` },
    createdTime: created,
    updatedTime: new Date(T0 + ((i * 7919) % N) * 1000),
  };
}

describe('ordered indexes serve the service queries', () => {
  let server: TestServer;
  let db: Db;
  let indexed: Collection;
  let plain: Collection;

  beforeAll(async () => {
    server = await openTestServer('emb_indexes');
    db = server.db;
    indexed = db.collection('billingPortals');
    plain = db.collection('billingPortalsPlain');
    await indexed.createIndexes(INDEXES);
    // Inserted in shuffled order so that index order and natural order differ.
    const order = Array.from({ length: N }, (_, i) => i).sort((a, b) => ((a * 7331) % N) - ((b * 7331) % N));
    const docs = order.map(portal);
    await indexed.insertMany(docs.map((d) => ({ ...d })));
    await plain.insertMany(docs.map((d) => ({ ...d })));
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  const strip = (docs: Document[]): Document[] => docs.map(({ _id, ...rest }) => rest);

  async function same(filter: Document, sort: Sort, skip = 0, limit = 0): Promise<Document[]> {
    const got = await indexed.find(filter).sort(sort).skip(skip).limit(limit).toArray();
    const want = await plain.find(filter).sort(sort).skip(skip).limit(limit).toArray();
    expect(strip(got)).toEqual(strip(want));
    return got;
  }

  it('list page: equality prefix + sort follows the compound index, walks only skip + limit entries', async () => {
    const filter = { organizationId: 'org-b', 'lookup.websiteId': 'site-3' };
    const sort: Sort = { createdTime: -1, id: -1 };
    for (const [skip, limit] of [
      [0, 20],
      [20, 20],
      [60, 7],
      [0, 0],
    ]) {
      const got = await same(filter, sort, skip, limit);
      expect(got.length).toBeGreaterThan(0);
    }
    const explain = await indexed.find(filter).sort(sort).skip(40).limit(20).explain('executionStats');
    const plan = winningPlan(explain);
    const ix = findPlanStage(plan, 'IXSCAN');
    expect(ix?.indexName).toBe('organizationId_websiteId_createdTime_id');
    expect(ix?.direction).toBe('forward');
    expect(findPlanStage(plan, 'SORT')).toBeUndefined();
    expect(explain.executionStats.nReturned).toBe(20);
    if (!externalServer) expect(explain.executionStats.totalKeysExamined).toBe(60);
    // The reverse order walks the same index backwards.
    await same(filter, { createdTime: 1, id: 1 }, 10, 20);
    const back = findPlanStage(
      winningPlan(await indexed.find(filter).sort({ createdTime: 1, id: 1 }).limit(5).explain()),
      'IXSCAN',
    );
    expect(back?.indexName).toBe('organizationId_websiteId_createdTime_id');
    expect(back?.direction).toBe('backward');
  });

  it('countDocuments of the list filter is counted from the index, without documents', async () => {
    const filter = { organizationId: 'org-b', 'lookup.websiteId': 'site-3' };
    const n = await indexed.countDocuments(filter);
    expect(n).toBe(await plain.countDocuments(filter));
    expect(n).toBeGreaterThan(50);
    expect(await indexed.countDocuments(filter, { skip: 10, limit: 5 })).toBe(5);
    expect(await indexed.countDocuments({ organizationId: 'nobody' })).toBe(0);
    const explain = await indexed
      .aggregate([{ $match: filter }, { $group: { _id: 1, n: { $sum: 1 } } }])
      .explain('executionStats');
    const plan = winningPlan(explain);
    if (!externalServer) {
      expect(findPlanStage(plan, 'COUNT_SCAN')?.indexName).toBe('organizationId_websiteId_createdTime_id');
      expect(explain.executionStats.totalDocsExamined).toBe(0);
    }
    // The count command too.
    const viaCount = await db.command({ count: 'billingPortals', query: filter });
    expect(viaCount.n).toBe(n);
  });

  it('findOne by a unique compound index, and by slug with a residual filter', async () => {
    const p = portal(301);
    const byId = await indexed.findOne({ organizationId: p.organizationId, id: p.id });
    expect(byId?.slug).toBe(p.slug);
    const e1 = await indexed.find({ organizationId: p.organizationId, id: p.id }).limit(1).explain();
    expect(findPlanStage(winningPlan(e1), 'IXSCAN')?.indexName).toBe('organizationId_id');

    const active = await indexed.findOne({
      organizationId: p.organizationId,
      'lookup.slug': p.lookup.slug,
      status: 'active',
    });
    expect(active?.id).toBe(p.id);
    const inactive = portal(300);
    expect(
      await indexed.findOne({
        organizationId: inactive.organizationId,
        'lookup.slug': inactive.lookup.slug,
        status: 'active',
      }),
    ).toBeNull();
    const e2 = await indexed
      .find({ organizationId: p.organizationId, 'lookup.slug': p.lookup.slug, status: 'active' })
      .limit(1)
      .explain();
    expect(findPlanStage(winningPlan(e2), 'IXSCAN')?.indexName).toBe('organizationId_slug');
    expect(
      await indexed.countDocuments({ organizationId: 'org-a', customDomain: 'd39.example.com' }, { limit: 1 }),
    ).toBe(1);
  });

  it('organization-wide pages, keyset pages, $in, $nin, date ranges and the regex search', async () => {
    const org = 'org-c';
    await same({ organizationId: org }, { createdTime: -1, id: -1 }, 0, 20);
    await same({ organizationId: org }, { updatedTime: -1, id: -1 }, 100, 20);
    const e = await indexed.find({ organizationId: org }).sort({ createdTime: -1, id: -1 }).limit(20).explain();
    expect(findPlanStage(winningPlan(e), 'IXSCAN')?.indexName).toBe('organizationId_createdTime_id');
    expect(findPlanStage(winningPlan(e), 'SORT')).toBeUndefined();

    // Keyset: strictly after the 30th row of the first page order.
    const page = await indexed.find({ organizationId: org }).sort({ createdTime: -1, id: -1 }).limit(30).toArray();
    const last = page[29];
    const keyset = {
      $and: [
        { organizationId: org },
        { $or: [{ createdTime: { $lt: last.createdTime } }, { createdTime: last.createdTime, id: { $lt: last.id } }] },
      ],
    };
    const next = await same(keyset, { createdTime: -1, id: -1 }, 0, 20);
    expect(next.map((d) => d.id)).toEqual(
      (await indexed.find({ organizationId: org }).sort({ createdTime: -1, id: -1 }).skip(30).limit(20).toArray()).map(
        (d) => d.id,
      ),
    );
    const ek = await indexed.find(keyset).sort({ createdTime: -1, id: -1 }).limit(20).explain('executionStats');
    expect(findPlanStage(winningPlan(ek), 'IXSCAN')?.indexName).toBe('organizationId_createdTime_id');
    // The $or implies createdTime <= last.createdTime: the walk seeks there instead of starting at
    // the top of the organization (at most the rows sharing last.createdTime are walked in vain).
    if (!externalServer) expect(ek.executionStats.totalKeysExamined).toBeLessThanOrEqual(20 + 4);

    await same(
      { organizationId: org, 'lookup.websiteId': { $in: ['site-1', 'site-4'] } },
      { createdTime: -1, id: -1 },
      5,
      20,
    );
    await same(
      { organizationId: org, 'lookup.websiteId': { $nin: ['site-1', 'site-4'] }, status: { $in: ['inactive'] } },
      { createdTime: -1, id: -1 },
      0,
      20,
    );
    await same(
      {
        organizationId: org,
        $and: [{ createdTime: { $gte: new Date(T0 + 60 * 60_000), $lte: new Date(T0 + 120 * 60_000) } }],
      },
      { createdTime: -1, id: -1 },
    );
    await same(
      { organizationId: org, $and: [{ $or: [{ name: /special/i }, { slug: /SLUG-1/i }, { customDomain: /d1/i }] }] },
      { createdTime: -1, id: -1 },
      0,
      20,
    );
    expect(
      await indexed.countDocuments({ organizationId: org, 'lookup.websiteId': { $in: ['site-1', 'site-4'] } }),
    ).toBe(await plain.countDocuments({ organizationId: org, 'lookup.websiteId': { $in: ['site-1', 'site-4'] } }));
  });

  it('keeps every index in step with upserts, updates and deletes', async () => {
    const org = 'org-a';
    const filter = { organizationId: org, 'lookup.websiteId': 'site-9' };
    for (const c of [indexed, plain]) {
      for (let i = 0; i < 5; i++) {
        await c.findOneAndUpdate(
          { organizationId: org, id: `new-${i}` },
          {
            $set: { lookup: { websiteId: 'site-9', slug: `new-slug-${i}` }, updatedTime: new Date(T0 + i) },
            $setOnInsert: { createdTime: new Date(T0 + 10_000_000 + i * 1000) },
          },
          { upsert: true },
        );
      }
      // Move one to another website, rename another's slug, delete a third.
      await c.updateOne({ organizationId: org, id: 'new-1' }, { $set: { 'lookup.websiteId': 'site-8' } });
      await c.updateOne({ organizationId: org, id: 'new-2' }, { $set: { 'lookup.slug': 'renamed' } });
      await c.deleteOne({ organizationId: org, id: 'new-3' });
    }
    const got = await same(filter, { createdTime: -1, id: -1 });
    expect(got.map((d) => d.id)).toEqual(['new-4', 'new-2', 'new-0']);
    expect(await indexed.countDocuments(filter)).toBe(3);
    expect(await indexed.findOne({ organizationId: org, 'lookup.slug': 'new-slug-2' })).toBeNull();
    expect((await indexed.findOne({ organizationId: org, 'lookup.slug': 'renamed' }))?.id).toBe('new-2');
    expect(await indexed.findOne({ organizationId: org, id: 'new-3' })).toBeNull();
    expect(await indexed.countDocuments({ organizationId: org, 'lookup.websiteId': 'site-8' })).toBe(1);
  });
});

describe.skipIf(externalServer)('indexes across a restart (embedded server only)', () => {
  it('reloads the documents and rebuilds every index from the data directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emb-idx-'));
    try {
      const run = async <T>(fn: (db: Db) => Promise<T>): Promise<T> => {
        const s = await startEmbeddedMongo({ dataDir: dir, log: () => undefined });
        const client = new MongoClient(s.uri);
        try {
          return await fn(client.db('emb_restart'));
        } finally {
          await client.close();
          await s.close();
        }
      };
      const before = await run(async (db) => {
        const c = db.collection('billingPortals');
        await c.createIndexes(INDEXES);
        await c.insertMany(Array.from({ length: 300 }, (_, i) => portal(i)));
        await c.deleteOne({ id: 'p00003' });
        await c.updateOne({ id: 'p00006' }, { $set: { 'lookup.websiteId': 'moved' } });
        return c
          .find({ organizationId: 'org-a', 'lookup.websiteId': 'site-6' })
          .sort({ createdTime: -1, id: -1 })
          .toArray();
      });
      await run(async (db) => {
        const c = db.collection('billingPortals');
        expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', ...INDEXES.map((i) => i.name)]);
        const filter = { organizationId: 'org-a', 'lookup.websiteId': 'site-6' };
        expect(await c.find(filter).sort({ createdTime: -1, id: -1 }).toArray()).toEqual(before);
        expect(
          findPlanStage(winningPlan(await c.find(filter).sort({ createdTime: -1, id: -1 }).explain()), 'IXSCAN')
            ?.indexName,
        ).toBe('organizationId_websiteId_createdTime_id');
        expect(await c.countDocuments(filter)).toBe(before.length);
        expect(await c.countDocuments({ organizationId: 'org-a', 'lookup.websiteId': 'moved' })).toBe(1);
        const p = portal(9);
        expect(((await c.insertOne({ ...p, id: 'other' }).catch((e: unknown) => e)) as MongoServerError).code).toBe(
          11000,
        );
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
