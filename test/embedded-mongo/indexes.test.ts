/**
 * Ordered indexes through the real driver: the service's indexes and queries (src/portals/store.ts)
 * answered with an index and, from a copy without indexes, by a scan — same documents, same order —
 * with `explain` showing which index served them and how many entries were walked; unique
 * violations on compound and partial indexes; index maintenance on writes; restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient, MongoServerError } from 'mongodb';
import type { Collection, Db, Document, IndexDescription, Sort } from 'mongodb';

/** Documents with any `_id` type. */
type AnyDoc = { _id?: number; [field: string]: unknown };
import { startEmbeddedMongo } from '../../src/embedded-mongo/index.js';
import { externalServer, openTestServer } from './helpers.js';
import type { TestServer } from './helpers.js';

/** The first stage named `stage` in an explain plan tree (depth-first through inputStage(s)). */
function findStage(plan: Document | undefined, stage: string): Document | undefined {
  if (!plan) return undefined;
  if (plan.stage === stage) return plan;
  const children = [plan.inputStage, ...((plan.inputStages as Document[] | undefined) ?? [])];
  for (const c of children) {
    const found = findStage(c as Document | undefined, stage);
    if (found) return found;
  }
  return undefined;
}

function winningPlan(explain: Document): Document {
  const qp = (explain.queryPlanner ?? explain.stages?.[0]?.$cursor?.queryPlanner) as Document;
  return qp.winningPlan as Document;
}

const INDEXES: IndexDescription[] = [
  { key: { organizationId: 1, id: 1 }, name: 'organizationId_id', unique: true },
  { key: { organizationId: 1, 'lookup.slug': 1 }, name: 'organizationId_slug', unique: true },
  { key: { organizationId: 1, createdTime: -1, id: -1 }, name: 'organizationId_createdTime_id' },
  { key: { organizationId: 1, updatedTime: -1, id: -1 }, name: 'organizationId_updatedTime_id' },
  { key: { organizationId: 1, 'lookup.websiteId': 1, createdTime: -1, id: -1 }, name: 'organizationId_websiteId_createdTime_id' },
  { key: { organizationId: 1, customDomain: 1 }, name: 'organizationId_customDomain' },
];

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
    for (const [skip, limit] of [[0, 20], [20, 20], [60, 7], [0, 0]]) {
      const got = await same(filter, sort, skip, limit);
      expect(got.length).toBeGreaterThan(0);
    }
    const explain = await indexed.find(filter).sort(sort).skip(40).limit(20).explain('executionStats');
    const plan = winningPlan(explain);
    const ix = findStage(plan, 'IXSCAN');
    expect(ix?.indexName).toBe('organizationId_websiteId_createdTime_id');
    expect(ix?.direction).toBe('forward');
    expect(findStage(plan, 'SORT')).toBeUndefined();
    expect(explain.executionStats.nReturned).toBe(20);
    if (!externalServer) expect(explain.executionStats.totalKeysExamined).toBe(60);
    // The reverse order walks the same index backwards.
    await same(filter, { createdTime: 1, id: 1 }, 10, 20);
    const back = findStage(winningPlan(await indexed.find(filter).sort({ createdTime: 1, id: 1 }).limit(5).explain()), 'IXSCAN');
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
    const explain = await indexed.aggregate([{ $match: filter }, { $group: { _id: 1, n: { $sum: 1 } } }]).explain('executionStats');
    const plan = winningPlan(explain);
    if (!externalServer) {
      expect(findStage(plan, 'COUNT_SCAN')?.indexName).toBe('organizationId_websiteId_createdTime_id');
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
    expect(findStage(winningPlan(e1), 'IXSCAN')?.indexName).toBe('organizationId_id');

    const active = await indexed.findOne({ organizationId: p.organizationId, 'lookup.slug': p.lookup.slug, status: 'active' });
    expect(active?.id).toBe(p.id);
    const inactive = portal(300);
    expect(await indexed.findOne({ organizationId: inactive.organizationId, 'lookup.slug': inactive.lookup.slug, status: 'active' })).toBeNull();
    const e2 = await indexed.find({ organizationId: p.organizationId, 'lookup.slug': p.lookup.slug, status: 'active' }).limit(1).explain();
    expect(findStage(winningPlan(e2), 'IXSCAN')?.indexName).toBe('organizationId_slug');
    expect(await indexed.countDocuments({ organizationId: 'org-a', customDomain: 'd39.example.com' }, { limit: 1 })).toBe(1);
  });

  it('organization-wide pages, keyset pages, $in, $nin, date ranges and the regex search', async () => {
    const org = 'org-c';
    await same({ organizationId: org }, { createdTime: -1, id: -1 }, 0, 20);
    await same({ organizationId: org }, { updatedTime: -1, id: -1 }, 100, 20);
    const e = await indexed.find({ organizationId: org }).sort({ createdTime: -1, id: -1 }).limit(20).explain();
    expect(findStage(winningPlan(e), 'IXSCAN')?.indexName).toBe('organizationId_createdTime_id');
    expect(findStage(winningPlan(e), 'SORT')).toBeUndefined();

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
      (await indexed.find({ organizationId: org }).sort({ createdTime: -1, id: -1 }).skip(30).limit(20).toArray()).map((d) => d.id),
    );
    const ek = await indexed.find(keyset).sort({ createdTime: -1, id: -1 }).limit(20).explain('executionStats');
    expect(findStage(winningPlan(ek), 'IXSCAN')?.indexName).toBe('organizationId_createdTime_id');
    // The $or implies createdTime <= last.createdTime: the walk seeks there instead of starting at
    // the top of the organization (at most the rows sharing last.createdTime are walked in vain).
    if (!externalServer) expect(ek.executionStats.totalKeysExamined).toBeLessThanOrEqual(20 + 4);

    await same({ organizationId: org, 'lookup.websiteId': { $in: ['site-1', 'site-4'] } }, { createdTime: -1, id: -1 }, 5, 20);
    await same({ organizationId: org, 'lookup.websiteId': { $nin: ['site-1', 'site-4'] }, status: { $in: ['inactive'] } }, { createdTime: -1, id: -1 }, 0, 20);
    await same(
      { organizationId: org, $and: [{ createdTime: { $gte: new Date(T0 + 60 * 60_000), $lte: new Date(T0 + 120 * 60_000) } }] },
      { createdTime: -1, id: -1 },
    );
    await same(
      { organizationId: org, $and: [{ $or: [{ name: /special/i }, { slug: /SLUG-1/i }, { customDomain: /d1/i }] }] },
      { createdTime: -1, id: -1 },
      0,
      20,
    );
    expect(await indexed.countDocuments({ organizationId: org, 'lookup.websiteId': { $in: ['site-1', 'site-4'] } })).toBe(
      await plain.countDocuments({ organizationId: org, 'lookup.websiteId': { $in: ['site-1', 'site-4'] } }),
    );
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

describe('unique constraints on compound, partial and sparse indexes', () => {
  let server: TestServer;
  let db: Db;
  beforeAll(async () => {
    server = await openTestServer('emb_unique');
    db = server.db;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('compound unique: duplicates within a prefix refused (E11000 with keyPattern/keyValue), across prefixes allowed', async () => {
    const c = db.collection<AnyDoc>('compound');
    await c.createIndex({ org: 1, slug: 1 }, { unique: true, name: 'org_slug' });
    await c.createIndex({ org: 1, n: -1 });
    await c.insertOne({ _id: 1, org: 'a', slug: 'x', n: 1 });
    await c.insertOne({ _id: 2, org: 'b', slug: 'x', n: 2 });
    const err = await c.insertOne({ _id: 3, org: 'a', slug: 'x', n: 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MongoServerError);
    expect((err as MongoServerError).code).toBe(11000);
    expect((err as MongoServerError).keyPattern).toEqual({ org: 1, slug: 1 });
    expect((err as MongoServerError).keyValue).toEqual({ org: 'a', slug: 'x' });
    // A refused update changes neither the document nor any index.
    await c.insertOne({ _id: 4, org: 'a', slug: 'y', n: 4 });
    const upd = await c.updateOne({ _id: 4 }, { $set: { slug: 'x', n: 40 } }).catch((e: unknown) => e);
    expect((upd as MongoServerError).code).toBe(11000);
    expect(await c.findOne({ org: 'a', slug: 'y' })).toEqual({ _id: 4, org: 'a', slug: 'y', n: 4 });
    expect(await c.countDocuments({ org: 'a', n: 40 })).toBe(0);
    expect((await c.find({ org: 'a' }).sort({ n: -1 }).toArray()).map((d) => d._id)).toEqual([4, 1]);
    // Missing fields count as null: only one document may lack both.
    await c.insertOne({ _id: 5 });
    expect(((await c.insertOne({ _id: 6 }).catch((e: unknown) => e)) as MongoServerError).code).toBe(11000);
    // Building a unique index over existing duplicates fails and leaves no index behind.
    const build = await c.createIndex({ slug: 1 }, { unique: true }).catch((e: unknown) => e);
    expect((build as MongoServerError).code).toBe(11000);
    expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'org_slug', 'org_1_n_-1']);
  });

  it('partial unique: only documents matching the filter are constrained', async () => {
    const c = db.collection<AnyDoc>('partial');
    await c.createIndex({ email: 1 }, { unique: true, partialFilterExpression: { active: true }, name: 'active_email' });
    await c.insertMany([
      { _id: 1, email: 'a@x', active: false },
      { _id: 2, email: 'a@x', active: false },
      { _id: 3, email: 'a@x', active: true },
    ]);
    const dup = await c.insertOne({ _id: 4, email: 'a@x', active: true }).catch((e: unknown) => e);
    expect((dup as MongoServerError).code).toBe(11000);
    expect((dup as MongoServerError).message).toContain('active_email');
    // Activating an inactive duplicate is refused; deactivating the holder frees the key.
    const act = await c.updateOne({ _id: 1 }, { $set: { active: true } }).catch((e: unknown) => e);
    expect((act as MongoServerError).code).toBe(11000);
    expect((await c.findOne({ _id: 1 }))?.active).toBe(false);
    await c.updateOne({ _id: 3 }, { $set: { active: false } });
    await c.updateOne({ _id: 1 }, { $set: { active: true } });
    expect(await c.countDocuments({ email: 'a@x', active: true })).toBe(1);
    const spec = (await c.listIndexes().toArray()).find((i) => i.name === 'active_email');
    expect(spec).toMatchObject({ key: { email: 1 }, unique: true, partialFilterExpression: { active: true } });
  });

  it('compound partial unique, and sparse unique (documents without the fields are not indexed)', async () => {
    const c = db.collection<AnyDoc>('partial_compound');
    await c.createIndex({ org: 1, code: 1 }, { unique: true, partialFilterExpression: { code: { $exists: true } } });
    await c.insertMany([{ org: 'a' }, { org: 'a' }, { org: 'a', code: 1 }, { org: 'b', code: 1 }]);
    expect(((await c.insertOne({ org: 'a', code: 1.0 }).catch((e: unknown) => e)) as MongoServerError).code).toBe(11000);
    const s = db.collection<AnyDoc>('sparse');
    await s.createIndex({ email: 1 }, { unique: true, sparse: true });
    await s.insertMany([{ n: 1 }, { n: 2 }, { email: 'e' }]);
    expect(((await s.insertOne({ email: 'e' }).catch((e: unknown) => e)) as MongoServerError).code).toBe(11000);
    expect(await s.countDocuments({ email: 'e' })).toBe(1);
    expect(await s.countDocuments({ n: { $gte: 1 } })).toBe(2);
  });

  it('dropIndexes by name and by key pattern; the planner stops using a dropped index', async () => {
    const c = db.collection('dropping');
    await c.insertMany(Array.from({ length: 20 }, (_, i) => ({ a: i % 4, b: i })));
    await c.createIndexes([{ key: { a: 1 } }, { key: { b: -1 }, name: 'b_desc' }]);
    expect(findStage(winningPlan(await c.find({ a: 2 }).explain()), 'IXSCAN')?.indexName).toBe('a_1');
    await c.dropIndex('a_1');
    expect(findStage(winningPlan(await c.find({ a: 2 }).explain()), 'COLLSCAN')).toBeDefined();
    expect(findStage(winningPlan(await c.find({ b: { $gt: 15 } }).explain()), 'IXSCAN')?.indexName).toBe('b_desc');
    await db.command({ dropIndexes: 'dropping', index: { b: -1 } });
    expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
    expect(await c.countDocuments({ a: 2 })).toBe(5);
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
        return c.find({ organizationId: 'org-a', 'lookup.websiteId': 'site-6' }).sort({ createdTime: -1, id: -1 }).toArray();
      });
      await run(async (db) => {
        const c = db.collection('billingPortals');
        expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', ...INDEXES.map((i) => i.name)]);
        const filter = { organizationId: 'org-a', 'lookup.websiteId': 'site-6' };
        expect(await c.find(filter).sort({ createdTime: -1, id: -1 }).toArray()).toEqual(before);
        expect(findStage(winningPlan(await c.find(filter).sort({ createdTime: -1, id: -1 }).explain()), 'IXSCAN')?.indexName).toBe('organizationId_websiteId_createdTime_id');
        expect(await c.countDocuments(filter)).toBe(before.length);
        expect(await c.countDocuments({ organizationId: 'org-a', 'lookup.websiteId': 'moved' })).toBe(1);
        const p = portal(9);
        expect(((await c.insertOne({ ...p, id: 'other' }).catch((e: unknown) => e)) as MongoServerError).code).toBe(11000);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('randomized differential through the driver', () => {
  let server: TestServer;
  let db: Db;
  beforeAll(async () => {
    server = await openTestServer('emb_idx_random');
    db = server.db;
  });
  afterAll(async () => {
    await server?.close();
  });

  const STR = ['', 'a', 'ab', 'b', 'B'];
  const DAYS = [1, 2, 3].map((d) => new Date(Date.UTC(2025, 0, d)));
  const value = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(0.5, -1.5), fc.constantFrom(...STR), fc.constantFrom(...DAYS), fc.constant(null));
  const docArb = fc.record(
    { s: fc.constantFrom(...STR), d: fc.constantFrom(...DAYS), c: fc.integer({ min: 0, max: 5 }), a: fc.oneof(value, fc.array(value, { maxLength: 3 })), v: value },
    { requiredKeys: ['s', 'c'] },
  );
  const cond = fc.oneof(
    value.filter((v) => v !== null),
    fc.array(value, { minLength: 1, maxLength: 3 }).map((vs) => ({ $in: vs })),
    fc.tuple(fc.constantFrom('$gt', '$gte', '$lt', '$lte'), value).map(([op, v]) => ({ [op]: v })),
  );
  const filterArb = fc
    .tuple(fc.option(fc.constantFrom(...STR), { freq: 3 }), fc.array(fc.tuple(fc.constantFrom('d', 'c', 'a', 'v'), cond), { maxLength: 2 }))
    .map(([s, rest]) => {
      const f: Document = s === null ? {} : { s };
      for (const [k, v] of rest) f[k] = v;
      return f;
    });
  const sortArb = fc.constantFrom<Sort>({ d: -1, u: -1 }, { d: 1, u: 1 }, { c: 1, u: 1 }, { u: -1 }, { s: 1, d: -1, u: -1 });

  it('find pages and countDocuments agree with an unindexed copy', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(docArb, { minLength: 1, maxLength: 80 }),
        fc.array(fc.record({ filter: filterArb, sort: sortArb, skip: fc.integer({ min: 0, max: 5 }), limit: fc.integer({ min: 0, max: 10 }) }), { minLength: 1, maxLength: 6 }),
        async (docs, queries) => {
          const indexed = db.collection('rand_indexed');
          const plain = db.collection('rand_plain');
          await indexed.drop().catch(() => undefined);
          await plain.drop().catch(() => undefined);
          await indexed.createIndexes([{ key: { s: 1, d: -1, u: -1 } }, { key: { c: 1, u: 1 } }, { key: { a: 1 } }, { key: { v: 1 } }, { key: { u: 1 }, unique: true }]);
          const rows = docs.map((d, u) => ({ ...d, u }));
          await indexed.insertMany(rows.map((r) => ({ ...r })));
          await plain.insertMany(rows.map((r) => ({ ...r })));
          for (const q of queries) {
            const run = (c: Collection) => c.find(q.filter, { projection: { _id: 0 } }).sort(q.sort).skip(q.skip).limit(q.limit).toArray();
            expect(await run(indexed), JSON.stringify(q)).toEqual(await run(plain));
            expect(await indexed.countDocuments(q.filter)).toBe(await plain.countDocuments(q.filter));
          }
        },
      ),
      { numRuns: 25 },
    );
  }, 60_000);
});
