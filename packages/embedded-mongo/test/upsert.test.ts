import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import type { Db, Document } from 'mongodb';
import { openTestServer } from '../src/testing.ts';
import type { TestServer } from '../src/testing.ts';

let server: TestServer;
let db: Db;

beforeAll(async () => {
  server = await openTestServer('emb_upsert');
  db = server.db;
});
afterAll(async () => {
  await server.close();
});

describe('upserts', () => {
  it('builds the new document from the filter equalities, _id first, with $setOnInsert', async () => {
    const c = db.collection('u1');
    const r = await c.updateOne(
      { org: 'o1', 'meta.kind': 'k', $and: [{ level: { $eq: 3 } }], score: { $gt: 5 }, _id: 'doc-1' } as Document,
      { $set: { name: 'n' }, $setOnInsert: { createdAt: 'now' }, $inc: { hits: 1 } },
      { upsert: true },
    );
    expect(r).toMatchObject({ matchedCount: 0, modifiedCount: 0, upsertedCount: 1, upsertedId: 'doc-1' });
    const doc = await c.findOne({ _id: 'doc-1' } as Document);
    expect(doc).toEqual({
      _id: 'doc-1',
      org: 'o1',
      meta: { kind: 'k' },
      level: 3,
      name: 'n',
      createdAt: 'now',
      hits: 1,
    });
    expect(Object.keys(doc ?? {})[0]).toBe('_id');
  });

  it('$setOnInsert does nothing on an update', async () => {
    const c = db.collection('u2');
    await c.insertOne({ _id: 'a', createdAt: 'first' } as Document);
    const r = await c.updateOne(
      { _id: 'a' } as Document,
      { $setOnInsert: { createdAt: 'second' }, $set: { seen: true } },
      { upsert: true },
    );
    expect(r).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    expect(await c.findOne({ _id: 'a' } as Document)).toEqual({ _id: 'a', createdAt: 'first', seen: true });
    const noop = await c.updateOne(
      { _id: 'a' } as Document,
      { $setOnInsert: { createdAt: 'third' } },
      { upsert: true },
    );
    expect(noop).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
  });

  it('replaceOne upsert takes _id from the filter but not other fields', async () => {
    const c = db.collection('u3');
    const r = await c.replaceOne({ _id: 7, kind: 'x' } as Document, { body: 'b' }, { upsert: true });
    expect(r).toMatchObject({ upsertedCount: 1, upsertedId: 7 });
    expect(await c.findOne({ _id: 7 } as Document)).toEqual({ _id: 7, body: 'b' });
    const again = await c.replaceOne({ _id: 7 } as Document, { body: 'c' }, { upsert: true });
    expect(again).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
  });

  it('generates an ObjectId when the filter has no _id', async () => {
    const c = db.collection('u4');
    const r = await c.updateOne({ slug: 's' }, { $set: { v: 1 } }, { upsert: true });
    expect(r.upsertedId).toBeInstanceOf(ObjectId);
    expect(await c.findOne({ slug: 's' })).toEqual({ _id: r.upsertedId, slug: 's', v: 1 });
  });

  it('findOneAndUpdate upsert reports created vs updated', async () => {
    const c = db.collection('u5');
    const first = await c.findOneAndUpdate(
      { _id: 'k' } as Document,
      { $set: { v: 1 }, $setOnInsert: { created: true } },
      { upsert: true, returnDocument: 'after', includeResultMetadata: true },
    );
    expect(first.lastErrorObject).toMatchObject({ n: 1, updatedExisting: false, upserted: 'k' });
    expect(first.value).toEqual({ _id: 'k', v: 1, created: true });
    const second = await c.findOneAndUpdate(
      { _id: 'k' } as Document,
      { $set: { v: 2 }, $setOnInsert: { created: false } },
      { upsert: true, returnDocument: 'after', includeResultMetadata: true },
    );
    expect(second.lastErrorObject).toMatchObject({ n: 1, updatedExisting: true });
    expect(second.lastErrorObject?.upserted).toBeUndefined();
    expect(second.value).toEqual({ _id: 'k', v: 2, created: true });
    const before = await c.findOneAndUpdate(
      { _id: 'new' } as Document,
      { $set: { v: 1 } },
      { upsert: true, returnDocument: 'before' },
    );
    expect(before).toBeNull();
    expect(await c.countDocuments()).toBe(2);
  });

  it('100 parallel upserts of one new _id end in exactly one insert', async () => {
    const c = db.collection('race');
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        c.updateOne({ _id: 'same' } as Document, { $inc: { n: 1 }, $setOnInsert: { first: i } }, { upsert: true }),
      ),
    );
    expect(results.filter((r) => r.upsertedCount === 1)).toHaveLength(1);
    expect(results.filter((r) => r.matchedCount === 1)).toHaveLength(99);
    expect(await c.countDocuments()).toBe(1);
    expect((await c.findOne({ _id: 'same' } as Document))?.n).toBe(100);
  });

  it('100 parallel findOneAndUpdate upserts create once', async () => {
    const c = db.collection('race2');
    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        c.findOneAndUpdate(
          { _id: 'one' } as Document,
          { $inc: { n: 1 } },
          { upsert: true, includeResultMetadata: true },
        ),
      ),
    );
    expect(results.filter((r) => r.lastErrorObject?.updatedExisting === false)).toHaveLength(1);
    expect((await c.findOne({ _id: 'one' } as Document))?.n).toBe(100);
  });
});
