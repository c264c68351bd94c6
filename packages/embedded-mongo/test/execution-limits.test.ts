import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import type { Db } from 'mongodb';
import { startEmbeddedMongo } from '../src/index.ts';
import type { EmbeddedMongo } from '../src/index.ts';

interface Opened {
  server: EmbeddedMongo;
  client: MongoClient;
  db: Db;
}

const opened: Opened[] = [];
async function open(options: Parameters<typeof startEmbeddedMongo>[0]): Promise<Db> {
  const server = await startEmbeddedMongo({ log: () => undefined, ...options });
  const client = new MongoClient(server.uri);
  const db = client.db('emb_limits');
  opened.push({ server, client, db });
  return db;
}
afterAll(async () => {
  for (const o of opened) {
    await o.client.close();
    await o.server.close();
  }
});

const expired = { code: 50, codeName: 'MaxTimeMSExpired' };

describe('maxTimeMS', () => {
  let db: Db;
  beforeAll(async () => {
    db = await open({});
    await db.collection('one').insertOne({ _id: 1 } as never);
  });

  it('stops an aggregation that would block the process for seconds', async () => {
    const pipeline = [{ $project: { r: { $range: [0, 1e6] } } }, { $unwind: '$r' }, { $sort: { r: -1 } }];
    await expect(db.collection('one').aggregate(pipeline, { maxTimeMS: 50 }).toArray()).rejects.toMatchObject(expired);
    expect(await db.command({ ping: 1 })).toMatchObject({ ok: 1 });
  });

  it('leaves ordinary queries with a time limit alone', async () => {
    const c = db.collection('one');
    expect(await c.find({}, { maxTimeMS: 1000 }).toArray()).toEqual([{ _id: 1 }]);
    expect(await c.aggregate([{ $group: { _id: null, n: { $sum: 1 } } }], { maxTimeMS: 1000 }).toArray()).toEqual([
      { _id: null, n: 1 },
    ]);
  });

  it('refuses a negative maxTimeMS', async () => {
    await expect(db.command({ find: 'one', maxTimeMS: -1 })).rejects.toMatchObject({ code: 2 });
  });
});

describe('maxTimeMS while documents are examined (a clock that jumps a second per reading)', () => {
  let db: Db;
  beforeAll(async () => {
    let now = 0;
    db = await open({ clock: () => (now += 1000) });
    await db.collection('many').insertMany(Array.from({ length: 1000 }, (_, i) => ({ a: i })));
  });

  it('find, count, countDocuments, distinct, findAndModify and aggregate expire', async () => {
    const c = db.collection('many');
    await expect(c.find({ a: { $gte: 0 } }, { maxTimeMS: 100 }).toArray()).rejects.toMatchObject(expired);
    await expect(c.find({}, { maxTimeMS: 100 }).sort({ a: -1 }).toArray()).rejects.toMatchObject(expired);
    await expect(c.countDocuments({ a: { $gte: 0 } }, { maxTimeMS: 100 })).rejects.toMatchObject(expired);
    await expect(db.command({ count: 'many', query: { a: { $gte: 0 } }, maxTimeMS: 100 })).rejects.toMatchObject(
      expired,
    );
    await expect(c.distinct('a', {}, { maxTimeMS: 100 })).rejects.toMatchObject(expired);
    await expect(c.findOneAndUpdate({ a: -1 }, { $set: { b: 1 } }, { maxTimeMS: 100 })).rejects.toMatchObject(expired);
    await expect(c.aggregate([{ $group: { _id: '$a' } }], { maxTimeMS: 100 }).toArray()).rejects.toMatchObject(expired);
    expect(await c.countDocuments({ b: 1 })).toBe(0);
  });

  it('without maxTimeMS the same commands run to the end', async () => {
    const c = db.collection('many');
    expect(await c.find({ a: { $gte: 0 } }).toArray()).toHaveLength(1000);
    expect(await c.countDocuments({ a: { $gte: 0 } })).toBe(1000);
    expect(await c.distinct('a')).toHaveLength(1000);
    expect(await c.findOneAndUpdate({ a: -1 }, { $set: { b: 1 } })).toBeNull();
  });
});

describe('memory limit of blocking stages', () => {
  let db: Db;
  beforeAll(async () => {
    db = await open({ maxStageMemoryBytes: 10_000 });
    await db.collection('docs').insertMany(Array.from({ length: 200 }, (_, i) => ({ a: i, text: 'x'.repeat(60) })));
  });

  it('a $sort or $group over more than the limit fails with 292 (146 with allowDiskUse)', async () => {
    const c = db.collection('docs');
    await expect(c.aggregate([{ $sort: { a: -1 } }]).toArray()).rejects.toMatchObject({
      code: 292,
      codeName: 'QueryExceededMemoryLimitNoDiskUseAllowed',
    });
    await expect(c.aggregate([{ $group: { _id: '$a' } }]).toArray()).rejects.toMatchObject({ code: 292 });
    await expect(c.aggregate([{ $sort: { a: -1 } }], { allowDiskUse: true }).toArray()).rejects.toMatchObject({
      code: 146,
      codeName: 'ExceededMemoryLimit',
      message: expect.stringMatching(/cannot spill to disk/),
    });
  });

  it('stages under the limit, a top-k $sort + $limit and find are unaffected', async () => {
    const c = db.collection('docs');
    expect(await c.aggregate([{ $match: { a: { $lt: 10 } } }, { $sort: { a: -1 } }]).toArray()).toHaveLength(10);
    expect(await c.aggregate([{ $sort: { a: -1 } }, { $limit: 3 }]).toArray()).toHaveLength(3);
    expect(await c.find().sort({ a: -1 }).toArray()).toHaveLength(200);
    expect(await c.countDocuments()).toBe(200);
  });
});
