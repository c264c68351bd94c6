import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Long, ObjectId } from 'mongodb';
import type { Collection, Db, Document } from 'mongodb';
import { externalServer, openTestServer } from '../src/testing.ts';
import type { TestServer } from '../src/testing.ts';

let server: TestServer;
let db: Db;

beforeAll(async () => {
  server = await openTestServer('emb_commands');
  db = server.db;
});
afterAll(async () => {
  await server.close();
});

describe('handshake and server commands', () => {
  it('answers hello as a writable standalone primary', async () => {
    const hello = await db.admin().command({ hello: 1 });
    expect(hello.ok).toBe(1);
    expect(hello.isWritablePrimary).toBe(true);
    expect(hello.maxWireVersion).toBeGreaterThanOrEqual(21);
    expect(typeof hello.minWireVersion).toBe('number');
    expect(hello.maxBsonObjectSize).toBe(16 * 1024 * 1024);
    expect(hello.maxMessageSizeBytes).toBeGreaterThan(16 * 1024 * 1024);
    expect(hello.maxWriteBatchSize).toBeGreaterThan(0);
    expect(hello.logicalSessionTimeoutMinutes).toBeGreaterThan(0);
    expect(hello.localTime).toBeInstanceOf(Date);
    expect(hello.connectionId).toBeDefined();
    expect(hello.setName).toBeUndefined();
    expect(hello.topologyVersion).toBeUndefined();
  });

  it('answers isMaster with ismaster: true', async () => {
    const r = await db.admin().command({ isMaster: 1 });
    expect(r.ismaster).toBe(true);
    expect(r.ok).toBe(1);
  });

  it('answers ping and buildInfo', async () => {
    expect((await db.command({ ping: 1 })).ok).toBe(1);
    const info = await db.admin().command({ buildInfo: 1 });
    expect(info.version).toMatch(/^\d+\.\d+/);
    expect(Array.isArray(info.versionArray)).toBe(true);
  });

  it('accepts endSessions (also sent by the driver at close)', async () => {
    const session = server.client.startSession();
    await db.collection('sess').insertOne({ a: 1 }, { session });
    await session.endSession();
    const r = await db.admin().command({ endSessions: [session.id] });
    expect(r.ok).toBe(1);
  });

  it('lists databases that hold collections', async () => {
    await db.collection('listdb').insertOne({ a: 1 });
    const r = await db.admin().listDatabases();
    expect(r.databases.map((d) => d.name)).toContain('emb_commands');
    const names = await db.admin().listDatabases({ nameOnly: true });
    expect(names.databases.some((d) => d.name === 'emb_commands')).toBe(true);
  });
});

describe('collections', () => {
  it('creates, lists and drops collections', async () => {
    await db.createCollection('c1');
    await db.createCollection('c2');
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['c1', 'c2']));
    const filtered = await db.listCollections({ name: 'c1' }).toArray();
    expect(filtered.map((c) => c.name)).toEqual(['c1']);
    expect(filtered[0].type).toBe('collection');
    expect(await db.collection('c1').drop()).toBe(true);
    const after = (await db.listCollections().toArray()).map((c) => c.name);
    expect(after).not.toContain('c1');
    expect(after).toContain('c2');
  });

  it('refuses to create an existing collection with code 48', async () => {
    await db.createCollection('dupcoll');
    await expect(db.createCollection('dupcoll')).rejects.toMatchObject({ code: 48, codeName: 'NamespaceExists' });
  });

  it('drops a whole database', async () => {
    const other = server.client.db('emb_commands_drop');
    await other.collection('x').insertOne({ a: 1 });
    expect(await other.dropDatabase()).toBe(true);
    const dbs = (await server.client.db('admin').admin().listDatabases()).databases.map((d) => d.name);
    expect(dbs).not.toContain('emb_commands_drop');
    expect(await other.collection('x').countDocuments()).toBe(0);
  });
});

describe('insert and find', () => {
  let coll: Collection;
  beforeEach(async () => {
    coll = db.collection('people');
    await coll.deleteMany({});
    await coll.insertMany([
      { _id: 1, name: 'ann', age: 31, tags: ['a', 'b'], address: { city: 'Oslo' } },
      { _id: 2, name: 'bob', age: 25, tags: ['b'], address: { city: 'Rome' } },
      { _id: 3, name: 'cid', age: 40, tags: [], address: { city: 'Oslo' } },
      { _id: 4, name: 'dan', age: 25 },
    ] as Document[]);
  });

  it('assigns an ObjectId _id when missing', async () => {
    const r = await db.collection('autoid').insertOne({ x: 1 });
    expect(r.insertedId).toBeInstanceOf(ObjectId);
    const doc = await db.collection('autoid').findOne({ _id: r.insertedId });
    expect(doc).toEqual({ _id: r.insertedId, x: 1 });
    expect(Object.keys(doc ?? {})[0]).toBe('_id');
  });

  it('finds by _id, filter, nested path and array element', async () => {
    expect(await coll.findOne({ _id: 2 } as Document)).toMatchObject({ name: 'bob' });
    expect(await coll.findOne({ _id: 99 } as Document)).toBeNull();
    expect((await coll.find({ age: { $gte: 30 } }).toArray()).map((d) => d._id)).toEqual([1, 3]);
    expect((await coll.find({ 'address.city': 'Oslo' }).toArray()).map((d) => d._id)).toEqual([1, 3]);
    expect((await coll.find({ tags: 'b' }).toArray()).map((d) => d._id)).toEqual([1, 2]);
    expect((await coll.find({ name: { $in: ['ann', 'dan'] } }).toArray()).map((d) => d._id)).toEqual([1, 4]);
    const byIds = await coll
      .find({ _id: { $in: [4, 2, 99, 2] } } as Document)
      .sort({ _id: 1 })
      .toArray();
    expect(byIds.map((d) => d._id)).toEqual([2, 4]);
    expect((await coll.find({ $or: [{ age: 40 }, { name: 'bob' }] }).toArray()).map((d) => d._id)).toEqual([2, 3]);
  });

  it('sorts, skips, limits and projects', async () => {
    const sorted = await coll.find({}, { sort: { age: -1, name: 1 } }).toArray();
    expect(sorted.map((d) => d._id)).toEqual([3, 1, 2, 4]);
    const page = await coll.find({}).sort({ age: 1, _id: 1 }).skip(1).limit(2).toArray();
    expect(page.map((d) => d._id)).toEqual([4, 1]);
    const projected = await coll.find({ _id: 1 } as Document, { projection: { name: 1, _id: 0 } }).toArray();
    expect(projected).toEqual([{ name: 'ann' }]);
    const natural = await coll.find({}).sort({ $natural: -1 }).toArray();
    expect(natural.map((d) => d._id)).toEqual([4, 3, 2, 1]);
    const excluded = await coll.findOne({ _id: 1 } as Document, { projection: { tags: 0, address: 0 } });
    expect(excluded).toEqual({ _id: 1, name: 'ann', age: 31 });
  });

  it('projects top-level fields as MongoDB does: kept in document order, _id by default', async () => {
    const one = async (projection: Document) => coll.findOne({ _id: 1 } as Document, { projection });
    // Document order, not projection order.
    expect(Object.keys((await one({ age: 1, name: 1 }))!)).toEqual(['_id', 'name', 'age']);
    expect(await one({ _id: 1 })).toEqual({ _id: 1 });
    expect(await one({ _id: 0, tags: 0, address: 0 })).toEqual({ name: 'ann', age: 31 });
    expect(await one({ _id: 1, tags: 0, address: 0 })).toEqual({ _id: 1, name: 'ann', age: 31 });
    expect(await one({ name: true, _id: false })).toEqual({ name: 'ann' });
    expect(await one({ absent: 1 })).toEqual({ _id: 1 });
    // Paths go through the general projection.
    expect(await one({ 'address.city': 1, _id: 0 })).toEqual({ address: { city: 'Oslo' } });
    await expect(one({ name: 1, age: 0 })).rejects.toThrow();
  });

  it('compares numbers by value across int32, int64 and double', async () => {
    const nums = db.collection('nums');
    await nums.insertMany([
      { _id: 'i', v: 5 },
      { _id: 'l', v: Long.fromNumber(6) },
      { _id: 'd', v: 5.5 },
    ] as Document[]);
    expect((await nums.find({ v: Long.fromNumber(5) }).toArray()).map((d) => d._id)).toEqual(['i']);
    expect((await nums.find({ v: 6 }).toArray()).map((d) => d._id)).toEqual(['l']);
    expect(
      (
        await nums
          .find({ v: { $gt: 5.2 } })
          .sort({ v: 1 })
          .toArray()
      ).map((d) => d._id),
    ).toEqual(['d', 'l']);
    expect(await nums.findOne({ _id: 'x', v: 1 } as Document)).toBeNull();
    await nums.insertOne({ _id: 42, kind: 'int id' } as Document);
    expect(await nums.findOne({ _id: Long.fromNumber(42) } as Document)).toMatchObject({ kind: 'int id' });
    expect(await nums.findOne({ _id: 42.0 } as Document)).toMatchObject({ kind: 'int id' });
    await expect(nums.insertOne({ _id: Long.fromNumber(42) } as Document)).rejects.toMatchObject({ code: 11000 });
  });

  it('sorts mixed types in BSON order', async () => {
    const mixed = db.collection('mixed');
    const oid = new ObjectId();
    const when = new Date(0);
    await mixed.insertMany([
      { _id: 1, v: 'str' },
      { _id: 2, v: when },
      { _id: 3, v: true },
      { _id: 4, v: oid },
      { _id: 5, v: 10 },
      { _id: 6, v: null },
      { _id: 7, v: { a: 1 } },
      { _id: 8 },
      { _id: 9, v: 2.5 },
    ] as Document[]);
    const asc = (await mixed.find({}).sort({ v: 1, _id: 1 }).toArray()).map((d) => d._id);
    expect(asc).toEqual([6, 8, 9, 5, 1, 7, 4, 3, 2]);
    const desc = (await mixed.find({}).sort({ v: -1, _id: 1 }).toArray()).map((d) => d._id);
    expect(desc).toEqual([2, 3, 4, 7, 1, 5, 9, 6, 8]);
  });

  it('pages a cursor past the first batch of 101 and kills cursors', async () => {
    const many = db.collection('many');
    await many.insertMany(Array.from({ length: 250 }, (_, i) => ({ _id: i, i })) as Document[]);
    const all = await many.find({}).sort({ i: 1 }).toArray();
    expect(all).toHaveLength(250);
    expect(all[249]).toEqual({ _id: 249, i: 249 });
    const small = await many.find({}, { batchSize: 7 }).toArray();
    expect(small.map((d) => d.i)).toEqual(Array.from({ length: 250 }, (_, i) => i));

    const raw = await db.command({ find: 'many', filter: {}, batchSize: 10 }, { promoteLongs: false });
    expect(raw.cursor.firstBatch).toHaveLength(10);
    expect(raw.cursor.id).toBeInstanceOf(Long);
    expect(raw.cursor.id.isZero()).toBe(false);
    const more = await db.command({ getMore: raw.cursor.id, collection: 'many', batchSize: 5 });
    expect(more.cursor.nextBatch.map((d: Document) => d.i)).toEqual([10, 11, 12, 13, 14]);
    const killed = await db.command({ killCursors: 'many', cursors: [raw.cursor.id] });
    expect(killed.cursorsKilled).toHaveLength(1);
    await expect(db.command({ getMore: raw.cursor.id, collection: 'many' })).rejects.toMatchObject({ code: 43 });

    const single = await db.command(
      { find: 'many', filter: {}, batchSize: 10, singleBatch: true },
      { promoteLongs: false },
    );
    expect(single.cursor.firstBatch).toHaveLength(10);
    expect(single.cursor.id.isZero()).toBe(true);
    // As MongoDB: a limit does not widen the first batch; singleBatch ends the answer there.
    const limited = await db.command(
      { find: 'many', filter: {}, limit: 150, singleBatch: true },
      { promoteLongs: false },
    );
    expect(limited.cursor.firstBatch).toHaveLength(101);
    expect(limited.cursor.id.isZero()).toBe(true);
    const sized = await db.command({ find: 'many', filter: {}, limit: 150, batchSize: 150, singleBatch: true });
    expect(sized.cursor.firstBatch).toHaveLength(150);

    const cursor = many.find({});
    await cursor.next();
    await cursor.close();
  });

  it('counts and estimates', async () => {
    expect(await coll.countDocuments({ age: 25 })).toBe(2);
    expect(await coll.countDocuments({}, { skip: 1, limit: 2 })).toBe(2);
    expect(await coll.estimatedDocumentCount()).toBe(4);
    expect((await db.command({ count: 'people', query: { age: { $lt: 35 } } })).n).toBe(3);
    expect((await db.command({ count: 'missing_coll' })).n).toBe(0);
  });

  it('returns distinct values, flattening arrays', async () => {
    expect((await coll.distinct('age')).sort()).toEqual([25, 31, 40]);
    expect((await coll.distinct('tags')).sort()).toEqual(['a', 'b']);
    expect(await coll.distinct('name', { age: 25 })).toEqual(expect.arrayContaining(['bob', 'dan']));
    expect((await coll.distinct('address.city')).sort()).toEqual(['Oslo', 'Rome']);
  });

  it('aggregates with a cursor', async () => {
    const groups = await coll
      .aggregate([{ $match: { age: { $lt: 35 } } }, { $group: { _id: '$age', n: { $sum: 1 } } }, { $sort: { _id: 1 } }])
      .toArray();
    expect(groups).toEqual([
      { _id: 25, n: 2 },
      { _id: 31, n: 1 },
    ]);
    const unwound = await coll.aggregate([{ $unwind: '$tags' }, { $count: 'n' }]).toArray();
    expect(unwound).toEqual([{ n: 3 }]);
    const many = await db.collection('aggmany').insertMany(Array.from({ length: 150 }, (_, i) => ({ i })));
    expect(many.insertedCount).toBe(150);
    expect(
      await db
        .collection('aggmany')
        .aggregate([{ $project: { _id: 0, i: 1 } }])
        .toArray(),
    ).toHaveLength(150);
    const stored = await coll.findOne({ _id: 1 } as Document);
    expect(stored?.tags).toEqual(['a', 'b']);
  });

  it('aggregates with $lookup across collections of the same database', async () => {
    await db.collection('cities').insertMany([
      { _id: 'Oslo', country: 'NO' },
      { _id: 'Rome', country: 'IT' },
    ] as Document[]);
    const joined = await coll
      .aggregate([
        { $match: { _id: { $in: [1, 2] } } },
        { $lookup: { from: 'cities', localField: 'address.city', foreignField: '_id', as: 'city' } },
        { $sort: { _id: 1 } },
        { $project: { _id: 1, country: { $first: '$city.country' } } },
      ])
      .toArray();
    expect(joined).toEqual([
      { _id: 1, country: 'NO' },
      { _id: 2, country: 'IT' },
    ]);
    expect(await coll.findOne({ _id: 1 } as Document)).not.toHaveProperty('city');
  });

  it.skipIf(externalServer)('refuses server-side JavaScript ($where)', async () => {
    await expect(coll.find({ $where: 'this.age > 30' }).toArray()).rejects.toHaveProperty('code');
    expect((await db.command({ ping: 1 })).ok).toBe(1);
  });
});

describe('update, delete, findAndModify', () => {
  let coll: Collection;
  beforeEach(async () => {
    coll = db.collection('items');
    await coll.deleteMany({});
    await coll.insertMany([
      { _id: 1, n: 1, grades: [{ g: 80 }, { g: 95 }] },
      { _id: 2, n: 2 },
      { _id: 3, n: 3 },
    ] as Document[]);
  });

  it('updates with operators, reports matched and modified', async () => {
    const r = await coll.updateOne({ _id: 1 } as Document, { $inc: { n: 10 }, $set: { s: 'x' } });
    expect(r).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    expect(await coll.findOne({ _id: 1 } as Document)).toMatchObject({ n: 11, s: 'x' });
    const same = await coll.updateOne({ _id: 1 } as Document, { $set: { s: 'x' } });
    expect(same).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
    const many = await coll.updateMany({ n: { $lt: 5 } }, { $set: { small: true } });
    expect(many).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    const none = await coll.updateMany({ n: 1000 }, { $set: { z: 1 } });
    expect(none).toMatchObject({ matchedCount: 0, modifiedCount: 0 });
  });

  it('replaces a document, keeping _id', async () => {
    const r = await coll.replaceOne({ _id: 2 } as Document, { fresh: true });
    expect(r).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await coll.findOne({ _id: 2 } as Document)).toEqual({ _id: 2, fresh: true });
  });

  it('applies arrayFilters and the positional operator', async () => {
    await coll.updateOne(
      { _id: 1 } as Document,
      { $set: { 'grades.$[hi].top': true } },
      { arrayFilters: [{ 'hi.g': { $gte: 90 } }] },
    );
    await coll.updateOne({ _id: 1, 'grades.g': 80 } as Document, { $inc: { 'grades.$.g': 1 } });
    expect((await coll.findOne({ _id: 1 } as Document))?.grades).toEqual([{ g: 81 }, { g: 95, top: true }]);
  });

  it('deletes one or many', async () => {
    expect((await coll.deleteOne({ n: { $gte: 2 } })).deletedCount).toBe(1);
    expect(await coll.countDocuments()).toBe(2);
    expect((await coll.deleteMany({})).deletedCount).toBe(2);
    expect((await coll.deleteMany({})).deletedCount).toBe(0);
  });

  it('findAndModify: update returning before/after, sort, fields, remove', async () => {
    const before = await coll.findOneAndUpdate({ _id: 2 } as Document, { $inc: { n: 1 } });
    expect(before).toEqual({ _id: 2, n: 2 });
    const after = await coll.findOneAndUpdate(
      { _id: 2 } as Document,
      { $inc: { n: 1 } },
      { returnDocument: 'after', projection: { _id: 0 } },
    );
    expect(after).toEqual({ n: 4 });
    const top = await coll.findOneAndUpdate(
      {},
      { $set: { picked: true } },
      { sort: { n: -1 }, returnDocument: 'after' },
    );
    expect(top?._id).toBe(2);
    const meta = await coll.findOneAndUpdate(
      { _id: 3 } as Document,
      { $set: { m: 1 } },
      { includeResultMetadata: true },
    );
    expect(meta.lastErrorObject).toMatchObject({ n: 1, updatedExisting: true });
    const missing = await coll.findOneAndUpdate(
      { _id: 42 } as Document,
      { $set: { m: 1 } },
      { includeResultMetadata: true },
    );
    expect(missing.value).toBeNull();
    expect(missing.lastErrorObject).toMatchObject({ n: 0, updatedExisting: false });
    const removed = await coll.findOneAndDelete({ _id: 3 } as Document);
    expect(removed).toMatchObject({ _id: 3, m: 1 });
    expect(await coll.findOne({ _id: 3 } as Document)).toBeNull();
    const replaced = await coll.findOneAndReplace({ _id: 1 } as Document, { r: 1 }, { returnDocument: 'after' });
    expect(replaced).toEqual({ _id: 1, r: 1 });
  });

  it('bulkWrite sends mixed operations in document sequences', async () => {
    const r = await coll.bulkWrite([
      { insertOne: { document: { _id: 10, n: 10 } as Document } },
      { updateOne: { filter: { _id: 1 } as Document, update: { $set: { b: 1 } } } },
      { updateOne: { filter: { _id: 11 } as Document, update: { $set: { b: 2 } }, upsert: true } },
      { deleteOne: { filter: { _id: 2 } as Document } },
      { replaceOne: { filter: { _id: 3 } as Document, replacement: { rr: true } } },
    ]);
    expect(r.insertedCount).toBe(1);
    expect(r.matchedCount).toBe(2);
    expect(r.modifiedCount).toBe(2);
    expect(r.upsertedCount).toBe(1);
    expect(r.upsertedIds).toEqual({ 2: 11 });
    expect(r.deletedCount).toBe(1);
    expect((await coll.find({}).sort({ _id: 1 }).toArray()).map((d) => d._id)).toEqual([1, 3, 10, 11]);
  });
});

describe('indexes', () => {
  it('creates, lists and drops indexes', async () => {
    const coll = db.collection('idx');
    expect(await coll.createIndex({ slug: 1 }, { unique: true })).toBe('slug_1');
    expect(await coll.createIndex({ org: 1, createdAt: -1 })).toBe('org_1_createdAt_-1');
    expect(await coll.createIndex({ email: 1 }, { unique: true, sparse: true, name: 'email_sparse' })).toBe(
      'email_sparse',
    );
    expect(await coll.createIndex({ slug: 1 }, { unique: true })).toBe('slug_1');
    const list = await coll.listIndexes().toArray();
    expect(list.map((i) => i.name)).toEqual(['_id_', 'slug_1', 'org_1_createdAt_-1', 'email_sparse']);
    expect(list.find((i) => i.name === 'slug_1')).toMatchObject({ key: { slug: 1 }, unique: true });
    expect(list.find((i) => i.name === 'org_1_createdAt_-1')?.key).toEqual({ org: 1, createdAt: -1 });
    expect(await coll.indexExists('slug_1')).toBe(true);
    await coll.dropIndex('slug_1');
    expect(await coll.indexExists('slug_1')).toBe(false);
    await coll.insertMany([{ slug: 'same' }, { slug: 'same' }]);
    await coll.dropIndexes();
    expect((await coll.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
  });

  it('uses an equality index and still applies the rest of the filter', async () => {
    const coll = db.collection('idxq');
    await coll.createIndex({ org: 1, slug: 1 }, { unique: true });
    await coll.insertMany([
      { org: 'a', slug: 'x', v: 1 },
      { org: 'a', slug: 'y', v: 2 },
      { org: 'b', slug: 'x', v: 3 },
    ]);
    expect((await coll.find({ org: 'a', slug: 'x' }).toArray()).map((d) => d.v)).toEqual([1]);
    expect(await coll.find({ org: 'a', slug: 'x', v: 2 }).toArray()).toEqual([]);
    expect((await coll.find({ org: 'a' }).sort({ v: -1 }).toArray()).map((d) => d.v)).toEqual([2, 1]);
    await coll.updateOne({ org: 'a', slug: 'x' }, { $set: { slug: 'z' } });
    expect(await coll.findOne({ org: 'a', slug: 'x' })).toBeNull();
    expect((await coll.findOne({ org: 'a', slug: 'z' }))?.v).toBe(1);
  });
});
