/**
 * TTL indexes through the driver: documents whose indexed date is older than expireAfterSeconds are
 * removed by the server's monitor (here every 20 ms), others stay; the option is validated as mongod
 * validates it; a data directory keeps TTL indexes working across a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient, MongoServerError, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedMongo, type EmbeddedMongo } from '../src/index.ts';
import { externalServer } from '../src/testing.ts';

const MONITOR_MS = 20;

/** Polls `check` until it holds (the monitor runs on its own clock); fails after `timeoutMs`. */
async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, MONITOR_MS));
  }
}

const ago = (seconds: number) => new Date(Date.now() - seconds * 1000);

describe.skipIf(externalServer)('TTL indexes (embedded server)', () => {
  let server: EmbeddedMongo;
  let client: MongoClient;
  let db: Db;
  beforeAll(async () => {
    server = await startEmbeddedMongo({ log: () => undefined, ttlMonitorIntervalMs: MONITOR_MS });
    client = new MongoClient(server.uri);
    db = client.db('ttl');
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it('removes documents whose date is older than expireAfterSeconds, and only those', async () => {
    const c = db.collection('sessions');
    await c.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
    await c.createIndex({ seenAt: 1 }, { expireAfterSeconds: 3600 });
    await c.insertMany([
      { _id: 'past', expiresAt: ago(5) },
      { _id: 'future', expiresAt: new Date(Date.now() + 3_600_000) },
      { _id: 'not-a-date', expiresAt: 'yesterday' },
      { _id: 'no-field' },
      { _id: 'array-with-a-past-date', expiresAt: [new Date(Date.now() + 3_600_000), ago(1)] },
      { _id: 'seen-long-ago', seenAt: ago(7200) },
      { _id: 'seen-recently', seenAt: ago(60) },
    ] as never[]);
    await eventually(async () => (await c.countDocuments()) === 4);
    expect(
      (
        await c
          .find({}, { projection: { _id: 1 } })
          .sort({ _id: 1 })
          .toArray()
      ).map((d) => d._id),
    ).toEqual(['future', 'no-field', 'not-a-date', 'seen-recently']);
    expect((await c.listIndexes().toArray()).find((i) => i.name === 'expiresAt_1')?.expireAfterSeconds).toBe(0);
  });

  it('a partial TTL index expires only the documents it covers', async () => {
    const c = db.collection('partial');
    await c.createIndex({ at: 1 }, { expireAfterSeconds: 0, partialFilterExpression: { kind: 'temporary' } });
    await c.insertMany([
      { _id: 'temporary', kind: 'temporary', at: ago(1) },
      { _id: 'kept', kind: 'permanent', at: ago(1) },
    ] as never[]);
    await eventually(async () => (await c.countDocuments({ _id: 'temporary' as never })) === 0);
    expect(await c.countDocuments({ _id: 'kept' as never })).toBe(1);
  });

  it.each([
    ['a negative expireAfterSeconds', { a: 1 }, { expireAfterSeconds: -1 }, 72],
    ['a fractional expireAfterSeconds', { a: 1 }, { expireAfterSeconds: 1.5 }, 72],
    ['a compound TTL index', { a: 1, b: 1 }, { expireAfterSeconds: 10 }, 67],
  ])('refuses %s with the code mongod uses', async (_name, key, options, code) => {
    const error = await db
      .collection('bad')
      .createIndex(key, options)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).code).toBe(code);
  });

  it('refuses the same key again with another expireAfterSeconds (IndexOptionsConflict)', async () => {
    const c = db.collection('conflict');
    await c.createIndex({ at: 1 }, { expireAfterSeconds: 10 });
    const error = (await c
      .createIndex({ at: 1 }, { expireAfterSeconds: 20 })
      .catch((e: unknown) => e)) as MongoServerError;
    expect(error.code).toBe(85);
  });
});

describe.skipIf(externalServer)('TTL indexes across a restart (embedded server)', () => {
  it('keeps expiring with the index read back from the data directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emb-ttl-'));
    try {
      const first = await startEmbeddedMongo({ dataDir: dir, log: () => undefined });
      const firstClient = new MongoClient(first.uri);
      await firstClient.db('ttl').collection('keys').createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
      await firstClient.close();
      await first.close();

      const second = await startEmbeddedMongo({ dataDir: dir, log: () => undefined, ttlMonitorIntervalMs: MONITOR_MS });
      const client = new MongoClient(second.uri);
      try {
        const keys = client.db('ttl').collection('keys');
        await keys.insertMany([
          { _id: 'old', expiresAt: ago(1) },
          { _id: 'new', expiresAt: ago(-60) },
        ] as never[]);
        await eventually(async () => (await keys.countDocuments()) === 1);
        expect(await keys.findOne({})).toMatchObject({ _id: 'new' });
      } finally {
        await client.close();
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
