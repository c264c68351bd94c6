/**
 * Server-side cursors, by int64 id: the remaining results of a find/aggregate/list command, or a
 * tailable change stream whose getMore waits for new events. A change stream cursor is released when
 * the connection that last used it closes (the driver then resumes on a new one); the others live
 * until exhausted, killed or idle for 10 minutes, as in MongoDB.
 */
import { BSON, Long } from 'bson';
import type { Doc } from './compare.ts';
import { canonicalKey } from './compare.ts';
import { MongoCommandError } from './errors.ts';

/** Batches stop growing past this many bytes (under the 16 MiB reply limit). */
const MAX_BATCH_BYTES = 15 * 1024 * 1024;
const DEFAULT_FIRST_BATCH = 101;
const IDLE_TIMEOUT_MS = 10 * 60 * 1000;

interface OpenCursor {
  ns: string;
  docs: Doc[];
  pos: number;
  lastUsed: number;
}

/** What a tailable cursor needs from its source (a change stream). */
export interface TailSource {
  next(
    batchSize: number | undefined,
    awaitMs: number,
  ): Promise<{ docs: Doc[]; postBatchResumeToken: Doc; ended: boolean }>;
  kill(): void;
}

interface TailCursor {
  ns: string;
  source: TailSource;
  connectionId: number;
  /** A getMore is waiting on it (not idle). */
  busy: boolean;
  lastUsed: number;
}

export interface CursorReply {
  cursor: { firstBatch?: Doc[]; nextBatch?: Doc[]; postBatchResumeToken?: Doc; id: Long; ns: string };
  ok: 1;
}

/** How long a getMore on a tailable cursor waits for data when it names no maxTimeMS (as MongoDB). */
export const DEFAULT_AWAIT_MS = 1000;

function takeBatch(docs: Doc[], pos: number, batchSize: number | undefined): number {
  const max = batchSize && batchSize > 0 ? batchSize : Infinity;
  let bytes = 0;
  let end = pos;
  while (end < docs.length && end - pos < max) {
    bytes += BSON.calculateObjectSize(docs[end]);
    if (bytes > MAX_BATCH_BYTES && end > pos) break;
    end++;
  }
  return end;
}

function newCursorId(): { key: string; id: Long } {
  const n = Math.floor(Math.random() * 2 ** 52) + 1;
  return { key: canonicalKey(n), id: Long.fromNumber(n) };
}

export class CursorManager {
  private readonly cursors = new Map<string, OpenCursor>();
  private readonly tails = new Map<string, TailCursor>();

  /** The first batch of `docs`; opens a cursor for the rest unless `singleBatch`. */
  open(ns: string, docs: Doc[], batchSize: number | undefined, singleBatch = false): CursorReply {
    const end = takeBatch(docs, 0, batchSize ?? DEFAULT_FIRST_BATCH);
    const firstBatch = docs.slice(0, end);
    let id = Long.ZERO;
    if (end < docs.length && !singleBatch) {
      this.expireIdle();
      const next = newCursorId();
      id = next.id;
      this.cursors.set(next.key, { ns, docs, pos: end, lastUsed: Date.now() });
    }
    return { cursor: { firstBatch, id, ns }, ok: 1 };
  }

  /** Registers a tailable cursor (unless its first batch was also its last) and answers its first batch. */
  openTailable(
    ns: string,
    source: TailSource,
    connectionId: number,
    first: { docs: Doc[]; postBatchResumeToken: Doc; ended: boolean },
  ): CursorReply {
    let id = Long.ZERO;
    if (!first.ended) {
      this.expireIdle();
      const next = newCursorId();
      id = next.id;
      this.tails.set(next.key, { ns, source, connectionId, busy: false, lastUsed: Date.now() });
    }
    return { cursor: { firstBatch: first.docs, postBatchResumeToken: first.postBatchResumeToken, id, ns }, ok: 1 };
  }

  getMore(
    idValue: unknown,
    batchSize: number | undefined,
    awaitMs?: number,
    connectionId?: number,
  ): CursorReply | Promise<CursorReply> {
    const key = canonicalKey(idValue);
    const tail = this.tails.get(key);
    if (tail) return this.getMoreTail(key, tail, batchSize, awaitMs ?? DEFAULT_AWAIT_MS, connectionId);
    const c = this.cursors.get(key);
    if (!c) throw new MongoCommandError('CursorNotFound', `cursor id ${String(idValue)} not found`);
    const end = takeBatch(c.docs, c.pos, batchSize);
    const nextBatch = c.docs.slice(c.pos, end);
    c.pos = end;
    c.lastUsed = Date.now();
    let id = Long.fromString(key.slice(1));
    if (end >= c.docs.length) {
      this.cursors.delete(key);
      id = Long.ZERO;
    }
    return { cursor: { nextBatch, id, ns: c.ns }, ok: 1 };
  }

  kill(ids: unknown[]): { killed: Long[]; notFound: Long[] } {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const idValue of ids) {
      const key = canonicalKey(idValue);
      const asLong = Long.fromString(key.startsWith('n') ? key.slice(1) : '0');
      if (this.cursors.delete(key) || this.killTail(key)) killed.push(asLong);
      else notFound.push(asLong);
    }
    return { killed, notFound };
  }

  /** Releases the change stream cursors last used on a connection that closed. */
  releaseConnection(connectionId: number): void {
    for (const [key, tail] of this.tails) if (tail.connectionId === connectionId) this.killTail(key);
  }

  /** Open cursors of every kind. */
  get size(): number {
    return this.cursors.size + this.tails.size;
  }

  /** Open change stream cursors. */
  get tailableCount(): number {
    return this.tails.size;
  }

  private async getMoreTail(
    key: string,
    tail: TailCursor,
    batchSize: number | undefined,
    awaitMs: number,
    connectionId: number | undefined,
  ): Promise<CursorReply> {
    if (connectionId !== undefined) tail.connectionId = connectionId;
    tail.busy = true;
    let batch;
    try {
      batch = await tail.source.next(batchSize, awaitMs);
    } catch (err) {
      this.killTail(key);
      throw err;
    } finally {
      tail.busy = false;
      tail.lastUsed = Date.now();
    }
    let id = Long.fromString(key.slice(1));
    if (batch.ended) {
      this.killTail(key);
      id = Long.ZERO;
    }
    return {
      cursor: { nextBatch: batch.docs, postBatchResumeToken: batch.postBatchResumeToken, id, ns: tail.ns },
      ok: 1,
    };
  }

  private killTail(key: string): boolean {
    const tail = this.tails.get(key);
    if (!tail) return false;
    this.tails.delete(key);
    tail.source.kill();
    return true;
  }

  private expireIdle(): void {
    const now = Date.now();
    for (const [k, c] of this.cursors) if (now - c.lastUsed > IDLE_TIMEOUT_MS) this.cursors.delete(k);
    for (const [k, t] of this.tails) if (!t.busy && now - t.lastUsed > IDLE_TIMEOUT_MS) this.killTail(k);
  }
}
