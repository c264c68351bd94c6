/**
 * Ordered indexes through the real driver: unique violations on compound, partial and sparse indexes,
 * dropping indexes, and a randomized differential of indexed against unindexed answers. (How the
 * billing-portal service's own indexes serve its queries is tested beside the service.)
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoServerError } from 'mongodb';
import type { Collection, Db, Document, IndexDescription, Sort } from 'mongodb';
import { findPlanStage, openTestServer, winningPlan } from '../src/testing.ts';
import type { TestServer } from '../src/testing.ts';

/** Documents with any `_id` type. */
type AnyDoc = { _id?: number; [field: string]: unknown };

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
    await c.createIndex(
      { email: 1 },
      { unique: true, partialFilterExpression: { active: true }, name: 'active_email' },
    );
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
    expect(((await c.insertOne({ org: 'a', code: 1.0 }).catch((e: unknown) => e)) as MongoServerError).code).toBe(
      11000,
    );
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
    expect(findPlanStage(winningPlan(await c.find({ a: 2 }).explain()), 'IXSCAN')?.indexName).toBe('a_1');
    await c.dropIndex('a_1');
    expect(findPlanStage(winningPlan(await c.find({ a: 2 }).explain()), 'COLLSCAN')).toBeDefined();
    expect(findPlanStage(winningPlan(await c.find({ b: { $gt: 15 } }).explain()), 'IXSCAN')?.indexName).toBe('b_desc');
    await db.command({ dropIndexes: 'dropping', index: { b: -1 } });
    expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
    expect(await c.countDocuments({ a: 2 })).toBe(5);
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
  const value = fc.oneof(
    fc.integer({ min: -3, max: 3 }),
    fc.constantFrom(0.5, -1.5),
    fc.constantFrom(...STR),
    fc.constantFrom(...DAYS),
    fc.constant(null),
  );
  const docArb = fc.record(
    {
      s: fc.constantFrom(...STR),
      d: fc.constantFrom(...DAYS),
      c: fc.integer({ min: 0, max: 5 }),
      a: fc.oneof(value, fc.array(value, { maxLength: 3 })),
      v: value,
    },
    { requiredKeys: ['s', 'c'] },
  );
  const cond = fc.oneof(
    value.filter((v) => v !== null),
    fc.array(value, { minLength: 1, maxLength: 3 }).map((vs) => ({ $in: vs })),
    fc.tuple(fc.constantFrom('$gt', '$gte', '$lt', '$lte'), value).map(([op, v]) => ({ [op]: v })),
  );
  const filterArb = fc
    .tuple(
      fc.option(fc.constantFrom(...STR), { freq: 3 }),
      fc.array(fc.tuple(fc.constantFrom('d', 'c', 'a', 'v'), cond), { maxLength: 2 }),
    )
    .map(([s, rest]) => {
      const f: Document = s === null ? {} : { s };
      for (const [k, v] of rest) f[k] = v;
      return f;
    });
  const sortArb = fc.constantFrom<Sort>(
    { d: -1, u: -1 },
    { d: 1, u: 1 },
    { c: 1, u: 1 },
    { u: -1 },
    { s: 1, d: -1, u: -1 },
  );

  it('find pages and countDocuments agree with an unindexed copy', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(docArb, { minLength: 1, maxLength: 80 }),
        fc.array(
          fc.record({
            filter: filterArb,
            sort: sortArb,
            skip: fc.integer({ min: 0, max: 5 }),
            limit: fc.integer({ min: 0, max: 10 }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        async (docs, queries) => {
          const indexed = db.collection('rand_indexed');
          const plain = db.collection('rand_plain');
          await indexed.drop().catch(() => undefined);
          await plain.drop().catch(() => undefined);
          await indexed.createIndexes([
            { key: { s: 1, d: -1, u: -1 } },
            { key: { c: 1, u: 1 } },
            { key: { a: 1 } },
            { key: { v: 1 } },
            { key: { u: 1 }, unique: true },
          ]);
          const rows = docs.map((d, u) => ({ ...d, u }));
          await indexed.insertMany(rows.map((r) => ({ ...r })));
          await plain.insertMany(rows.map((r) => ({ ...r })));
          for (const q of queries) {
            const run = (c: Collection) =>
              c
                .find(q.filter, { projection: { _id: 0 } })
                .sort(q.sort)
                .skip(q.skip)
                .limit(q.limit)
                .toArray();
            expect(await run(indexed), JSON.stringify(q)).toEqual(await run(plain));
            expect(await indexed.countDocuments(q.filter)).toBe(await plain.countDocuments(q.filter));
          }
        },
      ),
      { numRuns: 25 },
    );
  }, 60_000);
});
