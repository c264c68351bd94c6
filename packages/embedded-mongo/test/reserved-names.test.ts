import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, Document } from 'mongodb';
import { openTestServer } from '../src/testing.ts';
import type { TestServer } from '../src/testing.ts';

let server: TestServer;
let db: Db;

beforeAll(async () => {
  server = await openTestServer('emb_reserved');
  db = server.db;
  await db.collection('existing').insertMany([{ a: 1 }, { a: 2 }]);
});
afterAll(async () => {
  await server.close();
});

/** `{ [name]: value }` as an own field even for `__proto__` (a literal would set the prototype). */
const field = (name: string, value: unknown): Document =>
  JSON.parse(JSON.stringify({ [`${name}`]: value })) as Document;
const own = (name: string, value: unknown): Document => {
  const doc: Document = {};
  Object.defineProperty(doc, name, { value, enumerable: true, writable: true, configurable: true });
  return doc;
};

/** The command fails with BadValue naming the reserved field, nothing leaked, and the server still answers. */
async function expectRefused(run: () => Promise<unknown>): Promise<void> {
  await expect(run()).rejects.toMatchObject({ code: 2, message: expect.stringMatching(/reserves __proto__/) });
  const probe = {} as Record<string, unknown>;
  expect(probe.x).toBeUndefined();
  expect(probe.polluted).toBeUndefined();
  expect(typeof probe.constructor).toBe('function');
  expect(await db.command({ ping: 1 })).toMatchObject({ ok: 1 });
}

describe('reserved field names (__proto__, constructor, prototype)', () => {
  it('update with upsert on a collection that does not exist yet', async () => {
    await expectRefused(() =>
      db.collection('fresh1').updateOne({ '__proto__.x': 'y' }, { $set: { a: 1 } }, { upsert: true }),
    );
    await expectRefused(() =>
      db.collection('fresh1').updateOne({ a: 1 }, { $set: { 'constructor.prototype.polluted': 1 } }, { upsert: true }),
    );
    await expectRefused(() => db.collection('existing').updateMany({}, { $set: own('__proto__', { x: 1 }) }));
    await expectRefused(() => db.collection('existing').updateOne({}, [{ $set: { b: '$constructor.name' } }]));
    await expectRefused(() => db.collection('existing').updateOne({}, { $rename: { a: 'constructor.prototype.x' } }));
    expect(await db.listCollections({ name: 'fresh1' }).toArray()).toEqual([]);
    expect(
      await db
        .collection('existing')
        .find({}, { projection: { _id: 0 } })
        .toArray(),
    ).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('find: filter, projection and sort', async () => {
    const c = db.collection('existing');
    await expectRefused(() => c.find({ '__proto__.x': 'y' }).toArray());
    await expectRefused(() => c.find(field('a', own('__proto__', { x: 1 }))).toArray());
    await expectRefused(() => c.find({}, { projection: { 'a.constructor': 1 } }).toArray());
    await expectRefused(() => c.find({}).sort({ 'a.prototype': 1 }).toArray());
  });

  it('aggregate: $match, $project, $sort and field paths', async () => {
    const c = db.collection('existing');
    await expectRefused(() => c.aggregate([{ $match: { 'prototype.x': 1 } }]).toArray());
    await expectRefused(() => c.aggregate([{ $project: { v: '$__proto__.x' } }]).toArray());
    await expectRefused(() => c.aggregate([{ $project: { 'constructor.x': 1 } }]).toArray());
    await expectRefused(() => c.aggregate([{ $sort: { constructor: 1 } }]).toArray());
    await expectRefused(() =>
      c
        .aggregate([{ $lookup: { from: 'existing', localField: 'a', foreignField: 'a', as: 'constructor.x' } }])
        .toArray(),
    );
  });

  it('count and distinct', async () => {
    const c = db.collection('existing');
    await expectRefused(() => c.countDocuments({ 'a.__proto__': 1 }));
    await expectRefused(() => db.command({ count: 'existing', query: { constructor: 1 } }));
    await expectRefused(() => c.distinct('constructor.name'));
    await expectRefused(() => c.distinct('a', { 'prototype.x': 1 }));
  });

  it('insert', async () => {
    await expectRefused(() => db.collection('fresh2').insertOne(own('__proto__', { x: 1 })));
    await expectRefused(() => db.collection('fresh2').insertMany([{ ok: 1 }, { nested: { constructor: 'x' } }]));
    expect(await db.collection('fresh2').countDocuments()).toBe(0);
  });

  it('findAndModify', async () => {
    const c = db.collection('existing');
    await expectRefused(() => c.findOneAndUpdate({ '__proto__.x': 1 }, { $set: { b: 1 } }, { upsert: true }));
    await expectRefused(() => c.findOneAndUpdate({ a: 1 }, { $inc: { 'prototype.x': 1 } }));
    await expectRefused(() => c.findOneAndDelete({ a: 1 }, { sort: { 'constructor.x': 1 } }));
    await expectRefused(() =>
      c.findOneAndUpdate({ a: 1 }, { $set: { b: 1 } }, { projection: { __proto__x: 1, 'a.__proto__': 1 } }),
    );
  });

  it('delete', async () => {
    await expectRefused(() => db.collection('existing').deleteMany({ '__proto__.x': { $exists: false } }));
    expect(await db.collection('existing').countDocuments()).toBe(2);
  });

  it('createIndexes', async () => {
    await expectRefused(() => db.collection('existing').createIndex({ 'a.__proto__': 1 }));
    await expectRefused(() => db.collection('existing').createIndex({ constructor: 1 }));
    await expectRefused(() =>
      db.collection('existing').createIndex({ a: 1 }, { partialFilterExpression: { 'prototype.x': 1 } }),
    );
    expect((await db.collection('existing').indexes()).map((i) => i.name)).toEqual(['_id_']);
  });

  it('leaves names that only contain the words alone', async () => {
    const c = db.collection('words');
    await c.insertOne({ constructorName: 'x', proto: { prototypes: 1 }, note: '$constructor' });
    expect(await c.findOne({ 'proto.prototypes': 1 }, { projection: { _id: 0 } })).toEqual({
      constructorName: 'x',
      proto: { prototypes: 1 },
      note: '$constructor',
    });
  });
});
