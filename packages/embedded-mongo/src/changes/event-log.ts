/**
 * The change event log (an in-memory oplog): one entry per committed write, in commit order, each with
 * its own strictly increasing cluster time. Entries hold references to the stored documents (which are
 * never changed in place), so recording costs one small object; event documents are rendered when a
 * change stream reads them. Bounded by count and age; the log remembers the newest time it dropped so
 * a resume from before it fails (ChangeStreamHistoryLost) instead of skipping events.
 *
 * Times are (seconds, increment) with the increment counting from the millisecond within the second
 * (ms × 2^22), so they also increase across a restart; tokens carry the log's epoch besides.
 */
import { randomInt } from 'node:crypto';
import type { Doc } from '../compare.ts';
import type { LogTime } from './resume-token.ts';
import { compareTimes } from './resume-token.ts';

export type OperationType = 'insert' | 'update' | 'replace' | 'delete' | 'drop' | 'dropDatabase' | 'create';

export interface ChangeEntry {
  time: LogTime;
  /** Wall clock at commit, in ms (the event's `wallTime`). */
  wallMs: number;
  op: OperationType;
  db: string;
  /** Empty for dropDatabase. */
  coll: string;
  /** The document before the write (update, replace, delete). */
  before?: Doc;
  /** The document after the write (insert, update, replace). */
  after?: Doc;
  /** create: the collection's options. */
  options?: Doc;
  /** Rendered parts shared by every stream, filled in on first use. */
  cache?: { updateDescription?: Doc };
}

export interface ChangeLogOptions {
  /** Entries kept (default 10,000). */
  maxEvents?: number;
  /** Entries older than this are dropped as new ones arrive (default 24 h). */
  maxAgeMs?: number;
  /** Wall clock (default Date.now). */
  now?: () => number;
}

export const DEFAULT_MAX_EVENTS = 10_000;
export const DEFAULT_MAX_AGE_MS = 24 * 60 * 60 * 1000;

const PER_MS = 2 ** 22;
const MAX_INCREMENT = 0xffffffff;

function timeAt(wall: number): LogTime {
  const ms = Math.floor(wall);
  return { t: Math.floor(ms / 1000), i: (ms % 1000) * PER_MS };
}

export class ChangeEventLog {
  /** Differs on every start: tokens from an earlier run cannot name a position in this log. */
  readonly epoch = randomInt(0, 2 ** 32 - 1);
  private entries: ChangeEntry[] = [];
  /** Index of the oldest retained entry in `entries` (dropped ones are spliced out in chunks). */
  private head = 0;
  private last: LogTime;
  /** Every entry at or before this time has been dropped (or predates this server's start). */
  private lostUpTo: LogTime;
  private readonly waiters = new Set<() => void>();
  private readonly maxEvents: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(options: ChangeLogOptions = {}) {
    this.maxEvents = Math.max(1, options.maxEvents ?? DEFAULT_MAX_EVENTS);
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
    this.now = options.now ?? Date.now;
    // Everything before this log's start is history it does not have.
    this.last = timeAt(this.now());
    this.lostUpTo = this.last;
  }

  /** The newest time handed out (a new stream starts after it). */
  get lastTime(): LogTime {
    return this.last;
  }

  get size(): number {
    return this.entries.length - this.head;
  }

  record(entry: Omit<ChangeEntry, 'time' | 'wallMs'>): void {
    const wall = this.now();
    const at = timeAt(wall);
    at.i += 1;
    if (compareTimes(at, this.last) > 0) this.last = at;
    else if (this.last.i < MAX_INCREMENT) this.last = { t: this.last.t, i: this.last.i + 1 };
    else this.last = { t: this.last.t + 1, i: 1 };
    // The caller's fresh object becomes the entry (no copy).
    this.entries.push(Object.assign(entry, { time: this.last, wallMs: wall }));
    this.trim(wall);
    if (this.waiters.size > 0) {
      const woken = [...this.waiters];
      this.waiters.clear();
      for (const wake of woken) wake();
    }
  }

  /** Whether the entries after `time` are all still here. */
  retainsAfter(time: LogTime): boolean {
    return compareTimes(time, this.lostUpTo) >= 0;
  }

  /** Index (for `at`) of the first entry after `time`. */
  indexAfter(time: LogTime): number {
    let lo = this.head;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareTimes(this.entries[mid].time, time) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo - this.head;
  }

  at(index: number): ChangeEntry | undefined {
    return this.entries[this.head + index];
  }

  /** Calls `wake` once, at the next recorded entry, unless cancelled first. */
  onNextEntry(wake: () => void): () => void {
    this.waiters.add(wake);
    return () => this.waiters.delete(wake);
  }

  private trim(wall: number): void {
    const cutoff = wall - this.maxAgeMs;
    while (this.size > this.maxEvents || (this.size > 0 && this.entries[this.head].wallMs < cutoff)) {
      this.lostUpTo = this.entries[this.head].time;
      this.entries[this.head] = undefined as unknown as ChangeEntry;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}
