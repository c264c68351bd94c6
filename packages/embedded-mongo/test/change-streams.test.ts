/**
 * Change streams through the driver's watch(): each event's shape, fullDocument modes, pipelines,
 * database streams, resuming (resumeAfter, startAfter, startAtOperationTime, after a dropped
 * connection), lost history (286), getMore waiting for a write, and cursors released by close,
 * killCursors and a closed connection. Streams are opened before the writes they should see: the
 * helper waits for the stream's aggregate to be answered.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient, MongoServerError, Timestamp } from 'mongodb';
import type { ChangeStream, ChangeStreamOptions, Collection, Db, Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedMongo } from '../src/index.ts';
import type { EmbeddedMongo } from '../src/index.ts';
import { externalServer } from '../src/testing.ts';

type Stream = ChangeStream<Document, Document>;

/** Resolves when the next command named `name` has been answered (successfully or not). */
function answered(client: MongoClient, name: string): Promise<void> {
  return new Promise((resolve) => {
    const done = (e: { commandName: string }): void => {
      if (e.commandName !== name) return;
      client.off('commandSucceeded', done);
      client.off('commandFailed', done);
      resolve();
    };
    client.on('commandSucceeded', done);
    client.on('commandFailed', done);
  });
}

/** Resolves when the next command named `name` has been sent. */
function started(client: MongoClient, name: string): Promise<void> {
  return new Promise((resolve) => {
    const seen = (e: { commandName: string }): void => {
      if (e.commandName !== name) return;
      client.off('commandStarted', seen);
      resolve();
    };
    client.on('commandStarted', seen);
  });
}

/** Opens a stream and waits until the server has it, so that every later write is seen. */
async function open(
  client: MongoClient,
  target: Collection | Db,
  pipeline: Document[] = [],
  options: ChangeStreamOptions = {},
): Promise<{ stream: Stream; first: Promise<Document> }> {
  const opened = answered(client, 'aggregate');
  const stream = target.watch(pipeline, { maxAwaitTimeMS: 20_000, ...options }) as Stream;
  const first = stream.next();
  first.catch(() => undefined);
  await opened;
  return { stream, first };
}

async function take(stream: Stream, first: Promise<Document> | undefined, n: number): Promise<Document[]> {
  const out: Document[] = [];
  if (first) out.push(await first);
  while (out.length < n) out.push(await stream.next());
  return out;
}

/** Waits (briefly polling) for a condition the server reaches on its own, e.g. after a socket closed. */
async function eventually(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const shape = (e: Document): Document => {
  const { _id, clusterTime, wallTime, ...rest } = e;
  expect(_id).toEqual({ _data: expect.stringMatching(/^[0-9a-f]+$/) });
  expect(clusterTime).toBeInstanceOf(Timestamp);
  expect(wallTime).toBeInstanceOf(Date);
  return rest;
};

describe.skipIf(externalServer)('change streams (embedded server)', () => {
  let server: EmbeddedMongo;
  let client: MongoClient;
  let db: Db;
  let n = 0;
  const fresh = (): Collection => db.collection(`c${++n}`);

  beforeAll(async () => {
    server = await startEmbeddedMongo({ log: () => undefined, ttlMonitorIntervalMs: 20 });
    client = new MongoClient(server.uri, { monitorCommands: true });
    await client.connect();
    db = client.db('cs');
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it('reports insert, update, replace, delete, drop and invalidate as MongoDB shapes them', async () => {
    const c = fresh();
    const { stream, first } = await open(client, c);
    await c.insertOne({ _id: 1, a: 1, b: { c: 1, d: 2 }, arr: [1, 2, 3], gone: true } as Document);
    await c.updateOne({ _id: 1 } as Document, { $set: { 'b.c': 5, x: 'new' }, $unset: { gone: '' }, $pop: { arr: 1 } });
    await c.updateOne({ _id: 1 } as Document, { $push: { arr: 9 } } as Document);
    await c.replaceOne({ _id: 1 } as Document, { z: 1 });
    await c.deleteOne({ _id: 1 } as Document);
    await c.drop();
    const events = await take(stream, first, 7);
    const ns = { db: 'cs', coll: c.collectionName };
    expect(events.map(shape)).toEqual([
      {
        operationType: 'insert',
        fullDocument: { _id: 1, a: 1, b: { c: 1, d: 2 }, arr: [1, 2, 3], gone: true },
        ns,
        documentKey: { _id: 1 },
      },
      {
        operationType: 'update',
        ns,
        documentKey: { _id: 1 },
        updateDescription: {
          updatedFields: { 'b.c': 5, x: 'new' },
          removedFields: ['gone'],
          truncatedArrays: [{ field: 'arr', newSize: 2 }],
        },
      },
      {
        operationType: 'update',
        ns,
        documentKey: { _id: 1 },
        updateDescription: { updatedFields: { 'arr.2': 9 }, removedFields: [], truncatedArrays: [] },
      },
      { operationType: 'replace', fullDocument: { _id: 1, z: 1 }, ns, documentKey: { _id: 1 } },
      { operationType: 'delete', ns, documentKey: { _id: 1 } },
      { operationType: 'drop', ns },
      { operationType: 'invalidate' },
    ]);
    // Every write has its own, increasing cluster time (the invalidate shares its drop's, as in
    // MongoDB); tokens order as the events do.
    const times = events.slice(0, 6).map((e) => (e.clusterTime as Timestamp).toBigInt());
    expect([...times].sort((a, b) => (a < b ? -1 : 1))).toEqual(times);
    expect(new Set(times).size).toBe(times.length);
    expect(events[6].clusterTime).toEqual(events[5].clusterTime);
    const tokens = events.map((e) => (e._id as { _data: string })._data);
    expect([...tokens].sort()).toEqual(tokens);
    // The invalidate closed the cursor on the server.
    expect(server.stats().cursors.changeStreams).toBe(0);
    await stream.close();
  });

  it('records every write path in commit order: bulk writes, upserts, findAndModify, TTL expiry', async () => {
    const c = fresh();
    const { stream, first } = await open(client, c);
    await c.bulkWrite([
      { insertOne: { document: { _id: 'a', v: 1 } } },
      { updateOne: { filter: { _id: 'b' }, update: { $set: { v: 2 } }, upsert: true } },
      { replaceOne: { filter: { _id: 'a' }, replacement: { v: 3 } } },
      { deleteOne: { filter: { _id: 'b' } } },
    ] as never[]);
    await c.findOneAndUpdate({ _id: 'a' } as Document, { $inc: { v: 1 } });
    await c.findOneAndReplace({ _id: 'a' } as Document, { v: 10 });
    await c.findOneAndUpdate({ _id: 'c' } as Document, { $set: { v: 0 } }, { upsert: true });
    await c.findOneAndDelete({ _id: 'c' } as Document);
    await c.updateMany({}, { $set: { w: true } });
    await c.createIndex({ at: 1 }, { expireAfterSeconds: 0 });
    await c.insertOne({ _id: 'old', at: new Date(Date.now() - 60_000) } as Document);
    const events = await take(stream, first, 11);
    expect(events.map((e) => [e.operationType, e.documentKey?._id])).toEqual([
      ['insert', 'a'],
      ['insert', 'b'],
      ['replace', 'a'],
      ['delete', 'b'],
      ['update', 'a'],
      ['replace', 'a'],
      ['insert', 'c'],
      ['delete', 'c'],
      ['update', 'a'],
      ['insert', 'old'],
      ['delete', 'old'],
    ]);
    await stream.close();
  });

  it('fills fullDocument and fullDocumentBeforeChange as each mode says', async () => {
    const c = fresh();
    const { stream, first } = await open(client, c);
    await c.insertOne({ _id: 1, v: 0 } as Document);
    const inserted = await first;
    await stream.close();
    await c.updateOne({ _id: 1 } as Document, { $set: { v: 1 } });
    await c.updateOne({ _id: 1 } as Document, { $set: { v: 2 } });
    /** The events after the insert, read now with these options. */
    const read = async (options: ChangeStreamOptions, count = 2): Promise<Document[]> => {
      const s = c.watch([], { resumeAfter: inserted._id, ...options });
      const events = await take(s as Stream, undefined, count);
      await s.close();
      return events;
    };
    const v = (n: number): Document => ({ _id: 1, v: n });
    expect((await read({})).map((e) => e.fullDocument)).toEqual([undefined, undefined]);
    // updateLookup: the document as it is when the event is read; the others: right after that update.
    expect((await read({ fullDocument: 'updateLookup' })).map((e) => e.fullDocument)).toEqual([v(2), v(2)]);
    expect((await read({ fullDocument: 'whenAvailable' })).map((e) => e.fullDocument)).toEqual([v(1), v(2)]);
    expect((await read({ fullDocument: 'required' })).map((e) => e.fullDocument)).toEqual([v(1), v(2)]);
    const before = await read({ fullDocumentBeforeChange: 'required' });
    expect(before.map((e) => e.fullDocumentBeforeChange)).toEqual([v(0), v(1)]);
    await c.deleteOne({ _id: 1 } as Document);
    const afterDelete = await read({ fullDocument: 'updateLookup', fullDocumentBeforeChange: 'whenAvailable' }, 3);
    expect(afterDelete.map((e) => [e.operationType, e.fullDocument, e.fullDocumentBeforeChange])).toEqual([
      ['update', null, v(0)],
      ['update', null, v(1)],
      ['delete', undefined, v(2)],
    ]);
  });

  it('reports collection creation only with showExpandedEvents', async () => {
    const name = `c${++n}`;
    const plain = await open(client, db.collection(name));
    const expanded = await open(client, db.collection(name), [], { showExpandedEvents: true });
    await db.collection(name).insertOne({ _id: 1 } as Document);
    expect((await plain.first).operationType).toBe('insert');
    const events = await take(expanded.stream, expanded.first, 2);
    expect(events.map(shape)).toEqual([
      {
        operationType: 'create',
        ns: { db: 'cs', coll: name },
        operationDescription: { idIndex: { v: 2, key: { _id: 1 }, name: '_id_' } },
      },
      { operationType: 'insert', fullDocument: { _id: 1 }, ns: { db: 'cs', coll: name }, documentKey: { _id: 1 } },
    ]);
    await plain.stream.close();
    await expanded.stream.close();
  });

  it('passes events through $match, $project and $addFields', async () => {
    const c = fresh();
    const { stream, first } = await open(client, c, [
      { $match: { operationType: 'insert', 'fullDocument.kind': 'a' } },
      { $project: { operationType: 1, 'fullDocument.n': 1 } },
      { $addFields: { seen: true } },
    ]);
    await c.insertMany([
      { kind: 'b', n: 1 },
      { kind: 'a', n: 2 },
      { kind: 'a', n: 3 },
    ]);
    await c.updateMany({}, { $set: { kind: 'a' } });
    await c.insertOne({ kind: 'a', n: 4 });
    const events = await take(stream, first, 3);
    expect(events.map(({ _id, ...rest }) => rest)).toEqual(
      [2, 3, 4].map((n) => ({
        operationType: 'insert',
        fullDocument: { n },
        seen: true,
      })),
    );
    await stream.close();
  });

  it('refuses bad options and pipelines with MongoDB codes, leaving no cursor behind', async () => {
    const c = fresh();
    const cases: Array<[Document[], ChangeStreamOptions, number]> = [
      [[{ $group: { _id: null } }], {}, 20],
      [[{ $match: {} }, { $changeStream: {} }], {}, 40602],
      [[], { fullDocument: 'everything' as never }, 2],
      [[], { fullDocumentBeforeChange: 'always' as never }, 2],
      [[], { resumeAfter: { _data: 'nonsense' } }, 260],
      [[], { resumeAfter: { _data: '82' }, startAtOperationTime: new Timestamp({ t: 1, i: 0 }) }, 40674],
    ];
    for (const [pipeline, options, code] of cases) {
      const stream = c.watch(pipeline, options);
      await expect(stream.next(), JSON.stringify({ pipeline, options })).rejects.toMatchObject({ code });
      await stream.close();
    }
    const unknown = await db
      .command({ aggregate: c.collectionName, pipeline: [{ $changeStream: { bogus: 1 } }], cursor: {} })
      .catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: 40415 });
    // A pipeline that removes the resume token fails when the event is produced.
    const { stream, first } = await open(client, c, [{ $project: { _id: 0 } }]);
    await c.insertOne({});
    await expect(first).rejects.toMatchObject({ code: 280 });
    await stream.close();
    expect(server.stats().cursors.changeStreams).toBe(0);
  });

  it('serves database-level streams, ending with dropDatabase; cluster streams see every database', async () => {
    const d = client.db('cs_db');
    const other = client.db('cs_other');
    const { stream, first } = await open(client, d);
    const cluster = await open(client, client as never);
    await d.collection('x').insertOne({ _id: 1 } as Document);
    await other.collection('y').insertOne({ _id: 2 } as Document);
    await d.collection('z').insertOne({ _id: 3 } as Document);
    await d.dropDatabase();
    const events = await take(stream, first, 6);
    expect(events.map((e) => [e.operationType, e.ns])).toEqual([
      ['insert', { db: 'cs_db', coll: 'x' }],
      ['insert', { db: 'cs_db', coll: 'z' }],
      ['drop', { db: 'cs_db', coll: 'x' }],
      ['drop', { db: 'cs_db', coll: 'z' }],
      ['dropDatabase', { db: 'cs_db' }],
      ['invalidate', undefined],
    ]);
    const all = await take(cluster.stream, cluster.first, 3);
    expect(all.map((e) => `${e.ns.db}.${e.documentKey._id}`)).toEqual(['cs_db.1', 'cs_other.2', 'cs_db.3']);
    await stream.close();
    await cluster.stream.close();
    await other.dropDatabase();
  });

  it('resumes after a token with exactly the missed events, in order; startAfter goes past an invalidate', async () => {
    const c = fresh();
    const { stream, first } = await open(client, c);
    await c.insertOne({ _id: 0 } as Document);
    const seen = await first;
    await stream.close();
    for (let i = 1; i <= 5; i++) await c.insertOne({ _id: i } as Document);
    await fresh().insertOne({ elsewhere: true });
    const resumed = c.watch([], { resumeAfter: seen._id, batchSize: 2 });
    const missed = await take(resumed, undefined, 5);
    expect(missed.map((e) => e.documentKey._id)).toEqual([1, 2, 3, 4, 5]);
    await resumed.close();

    const at = c.watch([], { startAtOperationTime: missed[2].clusterTime });
    expect((await take(at, undefined, 3)).map((e) => e.documentKey._id)).toEqual([3, 4, 5]);
    await at.close();

    const dropped = await open(client, c);
    await c.drop();
    const [, invalidate] = await take(dropped.stream, dropped.first, 2);
    expect(invalidate.operationType).toBe('invalidate');
    await c.insertOne({ _id: 'again' } as Document);
    const refused = c.watch([], { resumeAfter: invalidate._id });
    await expect(refused.next()).rejects.toMatchObject({ code: 260 });
    await refused.close();
    const after = c.watch([], { startAfter: invalidate._id });
    expect(await after.next()).toMatchObject({ operationType: 'insert', documentKey: { _id: 'again' } });
    await after.close();
  });

  it('answers a waiting getMore as soon as a write arrives', async () => {
    const c = fresh();
    // The wait is longer than the test's timeout: only a wake-up on the write can pass.
    const waiting = started(client, 'getMore');
    const { stream, first } = await open(client, c, [], { maxAwaitTimeMS: 120_000 });
    await waiting;
    await c.insertOne({ _id: 'now' } as Document);
    expect((await first).documentKey).toEqual({ _id: 'now' });
    await stream.close();
  });

  it('answers a getMore whose wait runs out with an empty batch, the same cursor and a resume token', async () => {
    const c = fresh();
    const opened = await db.command({ aggregate: c.collectionName, pipeline: [{ $changeStream: {} }], cursor: {} });
    const { id, firstBatch, postBatchResumeToken, ns } = opened.cursor;
    expect([firstBatch, ns, opened.operationTime instanceof Timestamp]).toEqual([[], `cs.${c.collectionName}`, true]);
    expect(postBatchResumeToken).toEqual({ _data: expect.any(String) });
    const idle = await db.command({ getMore: id, collection: c.collectionName, maxTimeMS: 5 });
    expect(idle.cursor).toEqual({ nextBatch: [], postBatchResumeToken, id, ns });
    await c.insertOne({ _id: 1 } as Document);
    const more = await db.command({ getMore: id, collection: c.collectionName, maxTimeMS: 5 });
    expect(more.cursor.nextBatch.map((e: Document) => e.documentKey)).toEqual([{ _id: 1 }]);
    expect(more.cursor.postBatchResumeToken).toEqual(more.cursor.nextBatch[0]._id);
    expect(more.cursor.postBatchResumeToken._data > postBatchResumeToken._data).toBe(true);
    await db.command({ killCursors: c.collectionName, cursors: [id] });
  });

  it('records one event per write however many streams are open, and serves them all', async () => {
    const c = await db.createCollection(`c${++n}`);
    const streams = [];
    for (let i = 0; i < 40; i++) {
      streams.push(await open(client, c, i % 2 ? [{ $match: { 'fullDocument.odd': true } }] : []));
    }
    expect(server.stats().cursors.changeStreams).toBe(40);
    const before = server.stats().changeEvents;
    await c.insertOne({ _id: 'even', odd: false } as Document);
    await c.insertOne({ _id: 'odd', odd: true } as Document);
    expect(server.stats().changeEvents - before).toBe(2);
    const firsts = await Promise.all(streams.map((s) => s.first));
    expect(firsts.map((e) => e.documentKey._id)).toEqual(streams.map((_, i) => (i % 2 ? 'odd' : 'even')));
    for (const s of streams) await s.stream.close();
    expect(server.stats().cursors.changeStreams).toBe(0);
  });

  it('releases the cursor on close (even while a getMore waits) and on killCursors', async () => {
    const c = fresh();
    const waiting = started(client, 'getMore');
    const { stream, first } = await open(client, c);
    await waiting;
    expect(server.stats().cursors.changeStreams).toBe(1);
    const status = async (): Promise<number> =>
      Number((await client.db('admin').command({ serverStatus: 1 })).metrics.cursor.open.total);
    expect(await status()).toBe(1);
    await stream.close();
    await first.catch(() => undefined);
    expect(server.stats().cursors.changeStreams).toBe(0);
    expect(await status()).toBe(0);

    // killCursors from elsewhere: the driver's next getMore finds no cursor and resumes by itself.
    const replies: Document[] = [];
    const record = (e: { commandName: string; reply: Document }): void => {
      if (e.commandName === 'aggregate') replies.push(e.reply);
    };
    client.on('commandSucceeded', record);
    const opened = await open(client, c, [], { maxAwaitTimeMS: 1 });
    client.off('commandSucceeded', record);
    const id = replies[0].cursor.id;
    const killed = await db.command({ killCursors: c.collectionName, cursors: [id] });
    expect(killed.cursorsKilled).toEqual([id]);
    await c.insertOne({ _id: 'after-kill' } as Document);
    expect((await opened.first).documentKey).toEqual({ _id: 'after-kill' });
    await opened.stream.close();
  });
});

/** A loopback TCP proxy whose connections the test can cut, as a network failure would. */
async function startProxy(targetPort: number): Promise<{ port: number; cut(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const proxy: Server = createServer((downstream) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const s of [downstream, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    downstream.pipe(upstream);
    upstream.pipe(downstream);
    downstream.on('close', () => upstream.destroy());
    upstream.on('close', () => downstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const cut = (): void => {
    for (const s of sockets) s.destroy();
  };
  return {
    port: (proxy.address() as AddressInfo).port,
    cut,
    close: () => {
      cut();
      return new Promise((resolve) => proxy.close(() => resolve()));
    },
  };
}

describe.skipIf(externalServer)('change streams: history, restarts and dropped connections (embedded server)', () => {
  const quiet = { log: () => undefined };

  it('answers 286 ChangeStreamHistoryLost for a resume point older than the kept history', async () => {
    const server = await startEmbeddedMongo({ ...quiet, changeStreamHistory: { maxEvents: 3 } });
    const client = new MongoClient(server.uri, { monitorCommands: true });
    try {
      const c = client.db('h').collection('c');
      await c.insertOne({ _id: 0 } as Document);
      const { stream, first } = await open(client, c);
      await c.insertOne({ _id: 1 } as Document);
      const seen = await first;
      await c.insertOne({ _id: 2 } as Document);
      const kept = c.watch([], { resumeAfter: seen._id });
      expect(((await kept.next()) as Document).documentKey).toEqual({ _id: 2 });
      await kept.close();
      for (let i = 3; i <= 6; i++) await c.insertOne({ _id: i } as Document);
      const lost = c.watch([], { resumeAfter: seen._id });
      await expect(lost.next()).rejects.toMatchObject({ code: 286, codeName: 'ChangeStreamHistoryLost' });
      await lost.close();
      // The open stream read up to event 1 only: its next getMore finds its position gone too.
      await expect(stream.next()).rejects.toMatchObject({ code: 286 });
      await stream.close();
      expect(server.stats().cursors.changeStreams).toBe(0);
      expect(server.stats().changeEvents).toBe(3);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('after a restart, a stream from before it fails with 286 instead of skipping the events it missed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'emb-cs-'));
    let server = await startEmbeddedMongo({ ...quiet, dataDir });
    const port = server.port;
    const client = new MongoClient(server.uri, { monitorCommands: true, serverSelectionTimeoutMS: 10_000 });
    try {
      const c = client.db('r').collection('c');
      const { stream, first } = await open(client, c);
      await c.insertOne({ _id: 1 } as Document);
      const seen = await first;
      await c.insertOne({ _id: 2 } as Document); // never read by the stream
      await server.close();
      server = await startEmbeddedMongo({ ...quiet, dataDir, port });
      // The driver resumes after the network error with its last token: the event log restarted empty.
      await expect(stream.next()).rejects.toMatchObject({ code: 286 });
      await stream.close();
      const resumed = c.watch([], { resumeAfter: seen._id });
      await expect(resumed.next()).rejects.toMatchObject({ code: 286 });
      await resumed.close();
      expect(await c.countDocuments()).toBe(2);
    } finally {
      await client.close();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('survives a dropped connection: the driver resumes and gets every event; the old cursor is released', async () => {
    const server = await startEmbeddedMongo(quiet);
    const proxy = await startProxy(server.port);
    const direct = new MongoClient(server.uri);
    const client = new MongoClient(`mongodb://127.0.0.1:${proxy.port}/`, {
      monitorCommands: true,
      serverSelectionTimeoutMS: 10_000,
    });
    try {
      const writer = direct.db('d').collection('c');
      const c = client.db('d').collection('c');
      const { stream, first } = await open(client, c);
      await writer.insertOne({ _id: 1 } as Document);
      expect((await first).documentKey).toEqual({ _id: 1 });
      const waiting = started(client, 'getMore');
      const pending = stream.next();
      await waiting;
      proxy.cut();
      for (let i = 2; i <= 4; i++) await writer.insertOne({ _id: i } as Document);
      const events = await take(stream, pending, 3);
      expect(events.map((e) => e.documentKey._id)).toEqual([2, 3, 4]);
      await eventually(() => server.stats().cursors.changeStreams === 1);
      await stream.close();
      expect(server.stats().cursors.changeStreams).toBe(0);
    } finally {
      await client.close();
      await direct.close();
      await proxy.close();
      await server.close();
    }
  });
});
