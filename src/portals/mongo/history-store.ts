/**
 * The history collection: one document per change of a portal, copied from the portal document's
 * outbox (history-outbox.ts) by inserts under a unique (organization, portal, revision) index, so that
 * any number of copies of one entry — by its writer, a reader, the start-up sweep — store it once.
 * Entries expire through a TTL index on `expiresAt` (their time plus HISTORY_RETENTION_DAYS).
 *
 * A write's own entry is copied in the background (`defer`), many writes' entries in one insert: until
 * then it waits in its portal's outbox, where a reader of the history (which copies the outbox first) or
 * the portal's next write (which gets it back and copies it before answering, unless it is stored) finds
 * it. So the write need not wait for a second command, and nothing depends on the background copy.
 */
import { AsyncResource } from 'node:async_hooks';
import { LRUCache } from 'lru-cache';
import {
  MongoBulkWriteError,
  MongoServerError,
  type Collection,
  type Db,
  type Filter,
  type IndexDescription,
} from 'mongodb';
import type { HistoryEntry } from '../history.ts';
import { DatabaseCalls, UNOBSERVED_CALLS } from './database-calls.ts';
import { historyEntryOf, type OutboxEntry } from './history-outbox.ts';

export const HISTORY_COLLECTION_NAME = 'billingPortalHistory';

const DAY_MS = 86_400_000;
/** How many entries this instance remembers having stored, so as not to store them again. */
const REMEMBERED_COPIES = 50_000;
/** Entries waiting for the background copy; past this, more are left in their outboxes for later. */
const MAX_DEFERRED = 10_000;

export interface HistoryDocument extends HistoryEntry {
  organizationId: string;
  /** Orders a portal's entries: increasing in the order its writes were applied. */
  sequence: number;
  expiresAt: Date;
}

/** A position in a portal's history, newest first: entries strictly older than it follow it. */
export interface HistoryKeyset {
  sequence: number;
  revision: string;
}

const INDEXES: IndexDescription[] = [
  { key: { organizationId: 1, portalId: 1, revision: 1 }, name: 'organizationId_portalId_revision', unique: true },
  { key: { organizationId: 1, portalId: 1, sequence: -1, revision: -1 }, name: 'organizationId_portalId_sequence' },
  { key: { expiresAt: 1 }, name: 'expiresAt_ttl', expireAfterSeconds: 0 },
];

const NEWEST_FIRST = { sequence: -1, revision: -1 } as const;
const OLDEST_FIRST = { sequence: 1, revision: 1 } as const;

export class HistoryStore {
  private readonly collection: Collection<HistoryDocument>;
  private readonly retentionMs: number;
  /**
   * Entries this instance stored lately. A write gets back the entry it replaced in the document, almost
   * always one stored already — mostly by this instance, which then need not try again.
   */
  private readonly stored = new LRUCache<string, true>({ max: REMEMBERED_COPIES });
  /** Entries for the next background insert, by key. */
  private deferred = new Map<string, HistoryDocument>();
  /** The background insert in flight, if any: one at a time, so that the next takes all that came meanwhile. */
  private copying: Promise<void> | undefined;
  /**
   * The context the store was made in (start-up's): the background copy runs in it, not in the context of
   * the write that happened to start it, so that a request's trace does not take in other writes' copy.
   */
  private readonly background = new AsyncResource('HistoryCopy');

  private readonly calls: DatabaseCalls;

  constructor(db: Db, retentionDays: number, calls = UNOBSERVED_CALLS) {
    this.collection = db.collection<HistoryDocument>(HISTORY_COLLECTION_NAME);
    this.calls = calls;
    this.retentionMs = retentionDays * DAY_MS;
  }

  async ensureIndexes(): Promise<void> {
    await this.calls.run('createIndexes', () => this.collection.createIndexes(INDEXES));
  }

  /** Stores outbox entries of a portal; entries already stored stay as they are (entries never change). */
  async copy(organizationId: string, portalId: string, entries: OutboxEntry[]): Promise<void> {
    const keyOf = (entry: OutboxEntry) => this.keyOf(organizationId, portalId, entry);
    const missing = entries.filter((entry) => !this.stored.has(keyOf(entry)));
    if (missing.length === 0) return;
    // One insert each (rarely more than one): a bulk insert would hide a lost connection in its own error.
    for (const entry of missing) {
      try {
        await this.calls.run('insert', () =>
          this.collection.insertOne(this.documentOf(organizationId, portalId, entry)),
        );
      } catch (error) {
        // Stored before (by an earlier copy, or another copier at the same moment): it is stored.
        if (!(error instanceof MongoServerError && error.code === 11000)) throw error;
      }
      this.stored.set(keyOf(entry), true);
    }
  }

  /**
   * Stores a write's entries soon, without waiting: they are in their portal's outbox meanwhile. A failed
   * background copy is not an error of anyone's request; its entries are copied later from the outbox.
   */
  defer(organizationId: string, portalId: string, entries: OutboxEntry[]): void {
    for (const entry of entries) {
      const key = this.keyOf(organizationId, portalId, entry);
      if (this.stored.has(key) || this.deferred.size >= MAX_DEFERRED) continue;
      this.deferred.set(key, this.documentOf(organizationId, portalId, entry));
    }
    if (this.deferred.size > 0) this.copying ??= this.background.runInAsyncScope(() => this.copyDeferred());
  }

  /** Waits for the background copy of the entries deferred so far (shutdown, tests). */
  async settle(): Promise<void> {
    while (this.copying) await this.copying;
  }

  private async copyDeferred(): Promise<void> {
    // After the current task, so that the writes answered in it share one insert.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.deferred.size > 0) {
      const batch = this.deferred;
      this.deferred = new Map();
      const documents = [...batch.values()];
      const failed = await this.insertAll(documents);
      let index = 0;
      for (const key of batch.keys()) if (!failed.has(index++)) this.stored.set(key, true);
    }
    this.copying = undefined;
  }

  /** Inserts documents, entries stored before included; the indexes of those not stored (unknown: all). */
  private async insertAll(documents: HistoryDocument[]): Promise<Set<number>> {
    try {
      await this.calls.run('insert', () => this.collection.insertMany(documents, { ordered: false }));
      return new Set();
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError)) return new Set(documents.keys());
      const writeErrors = [error.writeErrors].flat();
      if (error.writeConcernError) return new Set(documents.keys());
      return new Set(
        writeErrors.filter((writeError) => writeError.code !== 11000).map((writeError) => writeError.index),
      );
    }
  }

  private keyOf(organizationId: string, portalId: string, entry: OutboxEntry): string {
    return `${organizationId}\n${portalId}\n${entry.revision}`;
  }

  private documentOf(organizationId: string, portalId: string, entry: OutboxEntry): HistoryDocument {
    return {
      organizationId,
      ...historyEntryOf(organizationId, portalId, entry),
      sequence: entry.sequence,
      expiresAt: new Date(entry.time.getTime() + this.retentionMs),
    };
  }

  /** A page of a portal's entries, newest first, by offset. */
  async page(organizationId: string, portalId: string, offset: number, limit: number): Promise<HistoryEntry[]> {
    if (limit === 0) return [];
    const documents = await this.calls.run('find', () =>
      this.collection
        .find({ organizationId, portalId }, { projection: { _id: 0, organizationId: 0, expiresAt: 0 } })
        .sort(NEWEST_FIRST)
        .skip(offset)
        .limit(limit)
        .toArray(),
    );
    return documents.map(entryOf);
  }

  /** Up to `limit` entries older than `after` and newer than `before`, newest first (`reverse`: oldest first). */
  async keysetPage(
    organizationId: string,
    portalId: string,
    options: { after?: HistoryKeyset; before?: HistoryKeyset; limit: number; reverse: boolean },
  ): Promise<Array<HistoryEntry & HistoryKeyset>> {
    const clauses: Filter<HistoryDocument>[] = [{ organizationId, portalId }];
    if (options.after) clauses.push(beyond(options.after, '$lt'));
    if (options.before) clauses.push(beyond(options.before, '$gt'));
    const documents = await this.calls.run('find', () =>
      this.collection
        .find({ $and: clauses }, { projection: { _id: 0, organizationId: 0, expiresAt: 0 } })
        .sort(options.reverse ? OLDEST_FIRST : NEWEST_FIRST)
        .limit(options.limit)
        .toArray(),
    );
    return documents.map((document) => ({ ...entryOf(document), sequence: document.sequence }));
  }

  count(organizationId: string, portalId: string): Promise<number> {
    return this.calls.run('aggregate', () => this.collection.countDocuments({ organizationId, portalId }));
  }
}

/** Entries past a position, in the direction of `operator` ($lt: older). */
function beyond(position: HistoryKeyset, operator: '$lt' | '$gt'): Filter<HistoryDocument> {
  return {
    $or: [
      { sequence: { [operator]: position.sequence } },
      { sequence: position.sequence, revision: { [operator]: position.revision } },
    ],
  };
}

function entryOf(document: Omit<HistoryDocument, 'organizationId' | 'expiresAt'> & Partial<HistoryDocument>) {
  const { portalId, revision, kind, time, actor, changes } = document;
  return { portalId, revision, kind, time, actor, changes };
}
