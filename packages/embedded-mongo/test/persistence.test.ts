import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import type { Document } from 'mongodb';
import { startEmbeddedMongo } from '../src/index.ts';
import type { EmbeddedMongo } from '../src/index.ts';
import { externalServer } from '../src/testing.ts';

// Durability is a property of the embedded server's data directory: these tests only run on it.
const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'emb-persist-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function withServer<T>(
  dataDir: string,
  fn: (client: MongoClient, s: EmbeddedMongo) => Promise<T>,
  opts: { compactThresholdBytes?: number; log?: (m: string) => void } = {},
): Promise<T> {
  const s = await startEmbeddedMongo({
    dataDir,
    log: opts.log ?? (() => undefined),
    compactThresholdBytes: opts.compactThresholdBytes,
  });
  const client = new MongoClient(s.uri);
  try {
    return await fn(client, s);
  } finally {
    await client.close();
    await s.close();
  }
}

describe.skipIf(externalServer)('durability (embedded server only)', () => {
  it('restores every acknowledged change after a restart', async () => {
    const dir = tempDir();
    await withServer(dir, async (client) => {
      const db = client.db('emb_persist');
      const c = db.collection('docs');
      await c.createIndex({ slug: 1 }, { unique: true });
      await c.insertMany([
        { _id: 1, slug: 'a', n: 1 },
        { _id: 2, slug: 'b', n: 2 },
        { _id: 3, slug: 'c', n: 3 },
      ] as Document[]);
      await c.updateOne({ _id: 1 } as Document, { $inc: { n: 10 } });
      await c.replaceOne({ _id: 2 } as Document, { slug: 'b2' });
      await c.deleteOne({ _id: 3 } as Document);
      await db.collection('gone').insertOne({ x: 1 });
      await db.collection('gone').drop();
      await client.db('emb_persist_other').collection('x').insertOne({ x: 1 });
      await client.db('emb_persist_other').dropDatabase();
      await db.createCollection('empty');
    });
    await withServer(dir, async (client) => {
      const db = client.db('emb_persist');
      const c = db.collection('docs');
      expect(await c.find({}).sort({ _id: 1 }).toArray()).toEqual([
        { _id: 1, slug: 'a', n: 11 },
        { _id: 2, slug: 'b2' },
      ]);
      const names = (await db.listCollections().toArray()).map((x) => x.name).sort();
      expect(names).toEqual(['docs', 'empty']);
      const dbs = (await client.db('admin').admin().listDatabases()).databases.map((d) => d.name);
      expect(dbs).not.toContain('emb_persist_other');
      expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'slug_1']);
      await expect(c.insertOne({ slug: 'a' })).rejects.toMatchObject({ code: 11000 });
    });
  });

  it('refuses a data directory another live server holds, and frees it on close', async () => {
    const dir = tempDir();
    const first = await startEmbeddedMongo({ dataDir: dir, log: () => undefined });
    try {
      await expect(startEmbeddedMongo({ dataDir: dir, log: () => undefined })).rejects.toThrow(/in use/);
    } finally {
      await first.close();
    }
    const second = await startEmbeddedMongo({ dataDir: dir, log: () => undefined });
    await second.close();
  });

  it('group commit: concurrent writers share fsyncs', async () => {
    const dir = tempDir();
    await withServer(dir, async (client, s) => {
      const c = client.db('emb_group').collection('g');
      await c.insertOne({ warm: true });
      const before = s.stats().journal;
      await Promise.all(Array.from({ length: 200 }, (_, i) => c.insertOne({ i })));
      const after = s.stats().journal;
      expect(before).toBeDefined();
      expect(after).toBeDefined();
      const records = (after?.records ?? 0) - (before?.records ?? 0);
      const flushes = (after?.flushes ?? 0) - (before?.flushes ?? 0);
      expect(records).toBe(200);
      expect(flushes).toBeGreaterThan(0);
      expect(flushes).toBeLessThan(records / 2);
    });
  });

  it('compacts the journal so disk use follows live data, and restarts from the snapshot', async () => {
    const dir = tempDir();
    const logs: string[] = [];
    await withServer(
      dir,
      async (client) => {
        const c = client.db('emb_compact').collection('counters');
        await c.insertMany(
          Array.from({ length: 20 }, (_, i) => ({ _id: i, n: 0, pad: 'p'.repeat(100) })) as Document[],
        );
        for (let round = 0; round < 60; round++) {
          await Promise.all(
            Array.from({ length: 20 }, (_, i) => c.updateOne({ _id: i } as Document, { $inc: { n: 1 } })),
          );
        }
      },
      { compactThresholdBytes: 16 * 1024, log: (m) => logs.push(m) },
    );
    expect(logs.some((l) => l.startsWith('compacted'))).toBe(true);
    const files = readdirSync(dir);
    expect(files.some((f) => /^snapshot-\d+\.bson$/.test(f))).toBe(true);
    const total = files.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
    // 1,220 writes of ~150 bytes each would be ~180 KB uncompacted; live data is ~3 KB.
    expect(total).toBeLessThan(64 * 1024);
    await withServer(dir, async (client) => {
      const docs = await client.db('emb_compact').collection('counters').find({}).toArray();
      expect(docs).toHaveLength(20);
      expect(docs.every((d) => d.n === 60)).toBe(true);
    });
  });

  it('restores a snapshot larger than one write of it', async () => {
    const dir = tempDir();
    const logs: string[] = [];
    // 48 documents of 128 KB: a 6 MB snapshot, written to its file in more than one piece.
    const docs = Array.from({ length: 48 }, (_, i) => ({
      _id: i,
      pad: String.fromCharCode(97 + (i % 26)).repeat(128 * 1024),
    }));
    await withServer(
      dir,
      async (client) => {
        const c = client.db('emb_big_snapshot').collection('docs');
        for (const doc of docs) await c.insertOne(doc as Document);
      },
      { compactThresholdBytes: 5 * 1024 * 1024, log: (m) => logs.push(m) },
    );
    const compacted = logs.filter((l) => l.startsWith('compacted')).at(-1);
    expect(Number(/, (\d+) bytes\)/.exec(compacted ?? '')?.[1])).toBeGreaterThan(4 * 1024 * 1024);
    await withServer(dir, async (client) => {
      const restored = await client.db('emb_big_snapshot').collection('docs').find({}).sort({ _id: 1 }).toArray();
      expect(restored).toEqual(docs);
    });
  });

  it('drops a torn last record with a log line and keeps accepting writes', async () => {
    const dir = tempDir();
    await withServer(dir, async (client) => {
      await client
        .db('emb_torn')
        .collection('t')
        .insertMany([{ _id: 1 }, { _id: 2 }] as Document[]);
    });
    const journal = readdirSync(dir).find((f) => f.startsWith('journal-'));
    expect(journal).toBeDefined();
    // A record header announcing 500 bytes, followed by only a few: what a crash mid-append leaves.
    const torn = Buffer.alloc(12);
    torn.writeUInt32LE(500, 0);
    appendFileSync(join(dir, journal ?? ''), torn);
    const logs: string[] = [];
    await withServer(
      dir,
      async (client) => {
        const t = client.db('emb_torn').collection('t');
        expect(await t.countDocuments()).toBe(2);
        await t.insertOne({ _id: 3 } as Document);
      },
      { log: (m) => logs.push(m) },
    );
    expect(logs.some((l) => l.includes('torn'))).toBe(true);
    await withServer(dir, async (client) => {
      const ids = (await client.db('emb_torn').collection('t').find({}).toArray()).map((d) => d._id);
      expect(ids).toEqual([1, 2, 3]);
    });
  });

  it('a corrupt record (bad checksum) ends replay at the last good record', async () => {
    const dir = tempDir();
    await withServer(dir, async (client) => {
      await client
        .db('emb_crc')
        .collection('t')
        .insertOne({ _id: 1 } as Document);
    });
    const journal = readdirSync(dir).find((f) => f.startsWith('journal-')) ?? '';
    const bogus = Buffer.alloc(8 + 5);
    bogus.writeUInt32LE(5, 0);
    bogus.writeUInt32LE(12345, 4);
    bogus.writeInt32LE(5, 8);
    appendFileSync(join(dir, journal), bogus);
    await withServer(dir, async (client) => {
      expect(await client.db('emb_crc').collection('t').countDocuments()).toBe(1);
    });
  });

  it('loses no acknowledged write when the process is killed with SIGKILL mid-load', async () => {
    const dir = tempDir();
    const fixture = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));
    const child = spawn(process.execPath, [fixture, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const acked: string[] = [];
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    await new Promise<void>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (line) => {
        if (line.startsWith('acked ')) acked.push(line.slice(6));
        if (acked.length === 1500) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () =>
        acked.length < 1500 ? reject(new Error(`child exited early after ${acked.length} acks`)) : resolve(),
      );
    });
    expect(await exited).toBe('SIGKILL');
    await withServer(dir, async (client) => {
      const coll = client.db('crash').collection<{ _id: string; n: number; touched?: boolean }>('acks');
      const present = new Set((await coll.find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id));
      const missing = acked.filter((id) => !present.has(id));
      expect(missing).toEqual([]);
      expect(present.size).toBeGreaterThanOrEqual(acked.length);
      // The unique index survived too.
      await expect(coll.insertOne({ _id: 'dup', n: 0 })).rejects.toMatchObject({ code: 11000 });
    });
  });
});
