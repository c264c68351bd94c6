import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoBulkWriteError, MongoServerError, UUID } from 'mongodb';
import type { Db, Document } from 'mongodb';
import { openTestServer } from '../src/testing.ts';
import type { TestServer } from '../src/testing.ts';

let server: TestServer;
let db: Db;

beforeAll(async () => {
  server = await openTestServer('emb_errors');
  db = server.db;
  await db.collection('posts').createIndex({ slug: 1 }, { unique: true });
  await db.collection('posts').insertOne({ _id: 1, slug: 'taken' } as Document);
});
afterAll(async () => {
  await server.close();
});

const DUP_MSG = /^E11000 duplicate key error collection: emb_errors\.posts index: slug_1 dup key: \{ slug: "taken" \}$/;

describe('error codes', () => {
  it('unknown command → 59 CommandNotFound', async () => {
    await expect(db.command({ frobnicate: 1 })).rejects.toMatchObject({ code: 59, codeName: 'CommandNotFound' });
  });

  it('a transaction on a standalone → 20 IllegalOperation', async () => {
    const session = server.client.startSession();
    try {
      session.startTransaction();
      const err = await db
        .collection('tx')
        .insertOne({ a: 1 }, { session })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MongoServerError);
      // The driver wraps code 20 ("Transaction numbers are only allowed…") in a retryable-writes hint.
      const e = err as { code?: number; originalError?: { code?: number } };
      expect(e.code === 20 || e.originalError?.code === 20).toBe(true);
      const raw = await db
        .command({
          insert: 'tx',
          documents: [{ a: 1 }],
          startTransaction: true,
          autocommit: false,
          txnNumber: 1,
          lsid: { id: new UUID() },
        })
        .catch((x: unknown) => x);
      expect(raw).toMatchObject({ code: 20, codeName: 'IllegalOperation' });
    } finally {
      await session.abortTransaction().catch(() => undefined);
      await session.endSession();
    }
    expect(await db.collection('tx').countDocuments()).toBe(0);
  });

  it('listIndexes on a missing collection → 26 NamespaceNotFound', async () => {
    await expect(db.collection('nope').listIndexes().toArray()).rejects.toMatchObject({
      code: 26,
      codeName: 'NamespaceNotFound',
    });
    await expect(db.collection('nope').indexExists('x_1')).rejects.toMatchObject({ code: 26 });
  });

  it('changing _id → 66 ImmutableField', async () => {
    const c = db.collection('immut');
    await c.insertOne({ _id: 1, v: 1 } as Document);
    await expect(c.updateOne({ _id: 1 } as Document, { $set: { _id: 2 } })).rejects.toMatchObject({ code: 66 });
    await expect(c.replaceOne({ _id: 1 } as Document, { _id: 3, v: 2 })).rejects.toMatchObject({ code: 66 });
    await expect(c.findOneAndUpdate({ _id: 1 } as Document, { $set: { _id: 4 } })).rejects.toMatchObject({ code: 66 });
    expect(await c.findOne({ _id: 1 } as Document)).toEqual({ _id: 1, v: 1 });
    // setting _id to the value it already has is fine
    await expect(c.updateOne({ _id: 1 } as Document, { $set: { _id: 1, v: 5 } })).resolves.toMatchObject({
      modifiedCount: 1,
    });
  });

  it('getMore on an unknown cursor → 43 CursorNotFound', async () => {
    await expect(db.command({ getMore: 123456789, collection: 'posts' })).rejects.toMatchObject({ code: 43 });
  });

  it('dropping a missing index → 27 IndexNotFound; missing collection → 26', async () => {
    await expect(db.collection('posts').dropIndex('nope_1')).rejects.toMatchObject({ code: 27 });
    await expect(db.collection('ghost').dropIndex('nope_1')).rejects.toMatchObject({ code: 26 });
  });

  it('malformed command arguments become ok:0 replies, not crashes', async () => {
    await expect(db.command({ insert: 'posts', documents: 'not an array' })).rejects.toBeInstanceOf(MongoServerError);
    const badUpdate: unknown = await db
      .command({ update: 'posts', updates: [{ q: {}, u: 5 }] })
      .catch((e: unknown) => e);
    const refused =
      badUpdate instanceof MongoServerError || Array.isArray((badUpdate as { writeErrors?: unknown }).writeErrors);
    expect(refused).toBe(true);
    await expect(db.command({ find: 42 })).rejects.toBeInstanceOf(MongoServerError);
    await expect(
      db.command({ aggregate: 'posts', pipeline: [{ $bogusStage: {} }], cursor: {} }),
    ).rejects.toBeInstanceOf(MongoServerError);
    expect((await db.command({ ping: 1 })).ok).toBe(1);
  });

  it('a malformed query becomes an ok:0 reply, and the server keeps serving', async () => {
    await expect(
      db
        .collection('posts')
        .find({ a: { $notAnOperator: 1 } })
        .toArray(),
    ).rejects.toBeInstanceOf(MongoServerError);
    expect((await db.command({ ping: 1 })).ok).toBe(1);
  });
});

describe('duplicate keys (E11000)', () => {
  it('from insertOne', async () => {
    const err = await db
      .collection('posts')
      .insertOne({ slug: 'taken' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MongoServerError);
    expect(err).toMatchObject({ code: 11000, keyPattern: { slug: 1 }, keyValue: { slug: 'taken' } });
    expect((err as Error).message).toMatch(DUP_MSG);
  });

  it('on _id', async () => {
    const err = await db
      .collection('posts')
      .insertOne({ _id: 1, slug: 'other' } as Document)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 11000, keyPattern: { _id: 1 }, keyValue: { _id: 1 } });
    expect((err as Error).message).toContain('index: _id_ dup key: { _id: 1 }');
  });

  it('from updateOne and replaceOne upserts', async () => {
    const posts = db.collection('posts');
    await expect(
      posts.updateOne({ _id: 50 } as Document, { $set: { slug: 'taken' } }, { upsert: true }),
    ).rejects.toMatchObject({ code: 11000 });
    await expect(posts.replaceOne({ _id: 51 } as Document, { slug: 'taken' }, { upsert: true })).rejects.toMatchObject({
      code: 11000,
    });
    expect(await posts.countDocuments({ _id: { $in: [50, 51] } } as Document)).toBe(0);
  });

  it('from an update that would collide', async () => {
    const posts = db.collection('posts');
    await posts.insertOne({ _id: 60, slug: 'free' } as Document);
    const err = await posts.updateOne({ _id: 60 } as Document, { $set: { slug: 'taken' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MongoServerError);
    expect(err).toMatchObject({ code: 11000 });
    expect((await posts.findOne({ _id: 60 } as Document))?.slug).toBe('free');
  });

  it('from findOneAndUpdate upsert (ok:0 reply)', async () => {
    const err = await db
      .collection('posts')
      .findOneAndUpdate({ _id: 70 } as Document, { $set: { slug: 'taken' } }, { upsert: true })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MongoServerError);
    expect(err).toMatchObject({ code: 11000, codeName: 'DuplicateKey', keyValue: { slug: 'taken' } });
    expect((err as Error).message).toMatch(DUP_MSG);
  });

  it('from insertMany (ordered stops, unordered continues)', async () => {
    const posts = db.collection('posts');
    const ordered = await posts
      .insertMany([{ slug: 'm1' }, { slug: 'taken' }, { slug: 'm2' }])
      .catch((e: unknown) => e);
    expect(ordered).toBeInstanceOf(MongoBulkWriteError);
    expect(ordered).toMatchObject({ code: 11000 });
    expect((ordered as MongoBulkWriteError).writeErrors).toMatchObject([{ index: 1, code: 11000 }]);
    expect(await posts.countDocuments({ slug: { $in: ['m1', 'm2'] } })).toBe(1);

    const unordered = await posts
      .insertMany([{ slug: 'u1' }, { slug: 'taken' }, { slug: 'u2' }], { ordered: false })
      .catch((e: unknown) => e);
    expect(unordered).toBeInstanceOf(MongoBulkWriteError);
    expect((unordered as MongoBulkWriteError).insertedCount).toBe(2);
    expect(await posts.countDocuments({ slug: { $in: ['u1', 'u2'] } })).toBe(2);
  });

  it('compound unique index message lists every field', async () => {
    const c = db.collection('compound');
    await c.createIndex({ org: 1, slug: 1 }, { unique: true });
    await c.insertOne({ org: 'o', slug: 's' });
    await c.insertOne({ org: 'p', slug: 's' });
    const err = await c.insertOne({ org: 'o', slug: 's' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 11000, keyPattern: { org: 1, slug: 1 }, keyValue: { org: 'o', slug: 's' } });
    expect((err as Error).message).toContain('index: org_1_slug_1 dup key: { org: "o", slug: "s" }');
  });

  it('partial and sparse unique indexes only constrain the documents they cover', async () => {
    const c = db.collection('partial');
    await c.createIndex({ email: 1 }, { unique: true, partialFilterExpression: { active: true } });
    await c.insertMany([
      { email: 'a', active: false },
      { email: 'a', active: false },
      { email: 'a', active: true },
    ]);
    await expect(c.insertOne({ email: 'a', active: true })).rejects.toMatchObject({ code: 11000 });

    const s = db.collection('sparse');
    await s.createIndex({ handle: 1 }, { unique: true, sparse: true });
    await s.insertMany([{ x: 1 }, { x: 2 }, { handle: 'h' }]);
    await expect(s.insertOne({ handle: 'h' })).rejects.toMatchObject({ code: 11000 });

    const plain = db.collection('plainunique');
    await plain.createIndex({ handle: 1 }, { unique: true });
    await plain.insertOne({ x: 1 });
    await expect(plain.insertOne({ x: 2 })).rejects.toMatchObject({ code: 11000 });
  });

  it('building a unique index over duplicates fails with 11000', async () => {
    const c = db.collection('dupbuild');
    await c.insertMany([{ k: 1 }, { k: 1 }]);
    await expect(c.createIndex({ k: 1 }, { unique: true })).rejects.toMatchObject({ code: 11000 });
    expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
  });

  it('index name/key conflicts → 85 / 86', async () => {
    const c = db.collection('conflicts');
    await c.createIndex({ a: 1 }, { name: 'my_idx' });
    await expect(c.createIndex({ b: 1 }, { name: 'my_idx' })).rejects.toMatchObject({ code: 86 });
    await expect(c.createIndex({ a: 1 }, { name: 'my_idx', unique: true })).rejects.toMatchObject({ code: 85 });
  });
});
