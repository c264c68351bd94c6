/**
 * Change streams through the driver's watch(): each event's shape, fullDocument modes, pipelines,
 * database streams, resuming (resumeAfter, startAfter, startAtOperationTime, after a dropped
 * connection), lost history (286), getMore waiting for a write, and cursors released by close,
 * killCursors and a closed connection. Streams are opened before the writes they should see: the
 * helper waits for the stream's aggregate to be answered.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import type { Server, Socket } from 'node:net';
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
});
