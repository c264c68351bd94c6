/** Server-side cursors: the remaining results of a find/aggregate/list command, by int64 id. */
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

export interface CursorReply {
  cursor: { firstBatch?: Doc[]; nextBatch?: Doc[]; id: Long; ns: string };
  ok: 1;
}

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

export class CursorManager {
  private readonly cursors = new Map<string, OpenCursor>();

  /** The first batch of `docs`; opens a cursor for the rest unless `singleBatch`. */
  open(ns: string, docs: Doc[], batchSize: number | undefined, singleBatch = false): CursorReply {
    const end = takeBatch(docs, 0, batchSize ?? DEFAULT_FIRST_BATCH);
    const firstBatch = docs.slice(0, end);
    let id = Long.ZERO;
    if (end < docs.length && !singleBatch) {
      this.expireIdle();
      const n = Math.floor(Math.random() * 2 ** 52) + 1;
      id = Long.fromNumber(n);
      this.cursors.set(canonicalKey(n), { ns, docs, pos: end, lastUsed: Date.now() });
    }
    return { cursor: { firstBatch, id, ns }, ok: 1 };
  }

  getMore(idValue: unknown, batchSize: number | undefined): CursorReply {
    const key = canonicalKey(idValue);
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
      if (this.cursors.delete(key)) killed.push(asLong);
      else notFound.push(asLong);
    }
    return { killed, notFound };
  }

  get size(): number {
    return this.cursors.size;
  }

  private expireIdle(): void {
    const now = Date.now();
    for (const [k, c] of this.cursors) if (now - c.lastUsed > IDLE_TIMEOUT_MS) this.cursors.delete(k);
  }
}
