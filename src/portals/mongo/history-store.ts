/**
 * The history collection: one document per change of a portal, copied from the portal document's
 * outbox (history-outbox.ts) by inserts under a unique (organization, portal, revision) index, so that
 * any number of copies of one entry — by its writer, a reader, the start-up sweep — store it once.
 * Entries expire through a TTL index on `expiresAt` (their time plus HISTORY_RETENTION_DAYS).
 *
 * A write's own entry is stored before the write is answered, but writes arriving together share one
 * insert (`store`): entries queue while an insert is in flight, and the next insert takes them all, each
 * writer waiting for the insert that holds its entry — a group commit, so that concurrent writes cost one
 * command between them instead of one each.
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
/** Entries in one shared insert at most; more wait for the next. */
const MAX_BATCH = 1_000;

/** An entry waiting for the shared insert, and its writer. */
interface QueuedEntry {
  document: HistoryDocument;
  stored: () => void;
  failed: (error: unknown) => void;
}

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
  /** Entries for the next shared insert, in arrival order. */
  private queue: QueuedEntry[] = [];
  /** The shared insert in flight, if any: one at a time, so that the next takes all that came meanwhile. */
  private inserting: Promise<void> | undefined;
  /**
   * The context the store was made in (start-up's): the shared insert runs in it, not in the context of
   * whichever write started it, so that one request's trace does not take in other writes' entries.
   */
  private readonly batches = new AsyncResource('HistoryInsert');

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
   * Stores a write's own entries, new ones, in the next shared insert; resolves once they are stored (a
   * copy stored before counts), rejects as the insert failed.
   */
  async store(organizationId: string, portalId: string, entries: OutboxEntry[]): Promise<void> {
    await Promise.all(
      entries.map(
        (entry) =>
          new Promise<void>((stored, failed) => {
            const document = this.documentOf(organizationId, portalId, entry);
            const key = this.keyOf(organizationId, portalId, entry);
            this.queue.push({ document, stored: () => (this.stored.set(key, true), stored()), failed });
            this.inserting ??= this.batches.runInAsyncScope(() => this.insertQueued());
          }),
      ),
    );
  }

  private async insertQueued(): Promise<void> {
    // After the current task, so that the writes that reach this point in it share the first insert.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      const failures = await this.insertAll(batch.map((queued) => queued.document));
      batch.forEach((queued, index) => {
        const failure = failures.get(index);
        if (failure === undefined) queued.stored();
        else queued.failed(failure);
      });
    }
    this.inserting = undefined;
  }

  /** Inserts documents (one stored before counts as stored); the indexes of those not stored, with why. */
  private async insertAll(documents: HistoryDocument[]): Promise<Map<number, unknown>> {
    try {
      await this.calls.run('insert', () => this.collection.insertMany(documents, { ordered: false }));
      return new Map();
    } catch (error) {
      const none = new Map(documents.map((_, index) => [index, error]));
      if (!(error instanceof MongoBulkWriteError) || error.writeConcernError) return none;
      const writeErrors = [error.writeErrors].flat();
      // Every document is either inserted or itemised; otherwise nothing is known stored.
      if (error.insertedCount + writeErrors.length !== documents.length) return none;
      const failed = writeErrors.filter((writeError) => writeError.code !== 11000);
      return new Map(failed.map((writeError) => [writeError.index, error]));
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
