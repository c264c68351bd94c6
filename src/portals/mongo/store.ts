/**
 * MongoDB persistence of portals. Every write is one atomic single-document operation; every read and
 * write is scoped to one organization. Driver failures that mean "no database" become
 * DatabaseUnavailableError; a duplicate slug becomes a ValidationError on `slug`.
 *
 * Every write stamps a new random `revision`, by which list pages (page-reader.ts) know which portals
 * they may take from the cache.
 *
 * A portal on a custom domain shows its organization's claim on the domain (domain-claims.ts), read
 * with the portal: the claims, not the portals, say whose a domain is and what the storefront serves.
 *
 * Every write records its change-history entry in the portal document's outbox in the same step
 * (history-outbox.ts), then copies it to the history (history-store.ts). A delete first turns the
 * document into a tombstone holding the entry — outside every organization, so no read sees it — and
 * removes the tombstone once the entry is copied.
 */
import { MongoError, MongoServerError, type Collection, type Db, type Filter, type ObjectId } from 'mongodb';
import { DatabaseCalls, UNOBSERVED_CALLS } from './database-calls.ts';
import {
  ConflictError,
  DatabaseUnavailableError,
  UnconfirmedWriteError,
  ValidationError,
  type WriteCondition,
} from '../errors.ts';
import type { PortalKeyset, PortalListQuery } from '../list-query.ts';
import type { Portal, PortalFields, StoredPortal } from '../model.ts';
import { keysetCondition, toMongoFilter, toMongoSort, type PortalDocument } from './query.ts';
import { PORTAL_INDEXES, SLUG_INDEX } from './indexes.ts';
import { IdempotencyKeys } from './idempotency-keys.ts';
import { DomainClaims, verificationOf } from './domain-claims.ts';
import { PageReader } from './page-reader.ts';
import { PortalCache } from './portal-cache.ts';
import { atRevision, newRevision, withRevision } from './revision.ts';
import type { FieldChange } from '../history.ts';
import { HistoryStore } from './history-store.ts';
import {
  nextSequence,
  recordedReplacement,
  recordedTouch,
  replacementEntry,
  sequenceFloor,
  storedFieldsOf,
  type OutboxEntry,
} from './history-outbox.ts';

export const COLLECTION_NAME = 'billingPortals';

/** Never send storage-only fields back. */
const PORTAL_PROJECTION = { _id: 0, lookup: 0, historyOutbox: 0, historySequence: 0 } as const;

/** The organization of tombstones: none (every organization id is non-empty), so no read ever finds one. */
const TOMBSTONE_ORGANIZATION = '';

/** Who writes: the API key's name (null: the service itself). */
export type WriterName = string | null;

/** A deleted portal's document until its history entry is copied: see the module comment. */
interface Tombstone {
  _id?: ObjectId;
  organizationId: typeof TOMBSTONE_ORGANIZATION;
  /** Unique among tombstones (the delete's revision), for the (organizationId, id) and slug indexes. */
  id: string;
  lookup: { websiteId: string; slug: string };
  deletedFrom: { organizationId: string; id: string };
  historyOutbox: OutboxEntry[];
}

export interface StoreOptions {
  /** How long history entries are kept (HISTORY_RETENTION_DAYS). */
  historyRetentionDays?: number;
  /** How the store's database calls are made (timed for the metrics); default: untimed. */
  calls?: DatabaseCalls;
}

/** How many times an upsert that lost a race for its new id (E11000 on the id index) is retried. */
const UPSERT_ATTEMPTS = 5;

export interface PortalPage {
  portals: Portal[];
  total: number;
}

export class PortalStore {
  private readonly collection: Collection<PortalDocument>;
  /** Organizations' claims on custom domains. */
  readonly domainClaims: DomainClaims;

  private readonly pages: PageReader;
  /** The idempotency keys of portal creation. */
  readonly idempotencyKeys: IdempotencyKeys;
  /** The portals' change history. */
  readonly history: HistoryStore;

  private readonly calls: DatabaseCalls;

  constructor(db: Db, pageCache = new PortalCache(), options: StoreOptions = {}) {
    const calls = options.calls ?? UNOBSERVED_CALLS;
    this.calls = calls;
    this.collection = db.collection<PortalDocument>(COLLECTION_NAME);
    this.domainClaims = new DomainClaims(db, calls);
    this.pages = new PageReader(db, this.collection, pageCache, calls);
    this.idempotencyKeys = new IdempotencyKeys(db, calls);
    this.history = new HistoryStore(db, options.historyRetentionDays ?? 365, calls);
  }

  static fromDb(db: Db, pageCache?: PortalCache, options?: StoreOptions): PortalStore {
    return new PortalStore(db, pageCache, options);
  }

  async ensureIndexes(): Promise<void> {
    await this.calls.run('createIndexes', () => this.collection.createIndexes(PORTAL_INDEXES));
    await this.idempotencyKeys.ensureIndexes();
    await this.domainClaims.ensureIndexes();
    await this.history.ensureIndexes();
  }

  private get tombstones(): Collection<Tombstone> {
    return this.collection as unknown as Collection<Tombstone>;
  }

  /**
   * Full replacement of a portal by id, creating it if absent; `createdTime` survives an update. With a
   * condition, the check and the write are one atomic operation: the filter names the expected revision
   * (or the update may not insert), and a write that finds nothing so is a ConflictError.
   */
  async upsert(
    organizationId: string,
    id: string,
    fields: PortalFields,
    now: Date,
    condition: WriteCondition = {},
    writer: WriterName = null,
  ): Promise<{ portal: Portal; created: boolean }> {
    if (condition.exists === false)
      return { portal: await this.insert(organizationId, id, fields, now, writer), created: true };
    const conditional = condition.revision !== undefined || condition.exists === true;
    const filter: Filter<PortalDocument> = {
      organizationId,
      id,
      ...(condition.revision === undefined ? {} : atRevision(condition.revision)),
    };
    const write = { revision: newRevision(), time: now, apiKeyName: writer };
    const before = await this.replace(filter, fields, write, !conditional);
    if (!before && conditional) throw await this.conflict(organizationId, id);
    // The entry this write took out of the document (unless stored already), then its own: answered only
    // once both are stored. The own entry shares an insert with the writes that arrive with it.
    await this.history.copy(organizationId, id, before?.historyOutbox ?? []);
    await this.history.store(organizationId, id, [replacementEntry(before, fields, write)]);
    if (before?.customDomain && before.customDomain !== fields.customDomain) {
      await this.releaseIfUnused(organizationId, before.customDomain, writer);
    }
    const portal: StoredPortal = {
      id,
      organizationId,
      ...fields,
      createdTime: before?.createdTime ?? now,
      updatedTime: now,
      revision: write.revision,
    };
    return { portal: await this.withVerification(portal), created: before === null };
  }

  /**
   * Writes the fields over the portal the filter finds (or a new one), with the write's history entry:
   * the document as it was before (with the outbox entry it held); null when there was none.
   */
  private async replace(
    filter: Filter<PortalDocument>,
    fields: PortalFields,
    write: { revision: string; time: Date; apiKeyName: WriterName },
    upsert: boolean,
  ): Promise<PortalDocument | null> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.calls.run('findAndModify', () =>
          this.collection.findOneAndUpdate(filter, recordedReplacement(fields, { lookup: lookupOf(fields) }, write), {
            upsert,
            returnDocument: 'before',
            projection: { _id: 0, lookup: 0 },
          }),
        );
      } catch (error) {
        // Two upserts of one new id can both try to insert; the loser retries and becomes an update.
        if (isDuplicateKey(error) && !isSlugConflict(error) && attempt < UPSERT_ATTEMPTS) continue;
        throw translateWriteError(error);
      }
    }
  }

  /** A new portal; an id already taken is a ConflictError naming the current revision. */
  async insert(
    organizationId: string,
    id: string,
    fields: PortalFields,
    now: Date,
    writer: WriterName = null,
  ): Promise<Portal> {
    const portal: StoredPortal = {
      id,
      organizationId,
      ...fields,
      createdTime: now,
      updatedTime: now,
      revision: newRevision(),
    };
    const entry: OutboxEntry = {
      revision: portal.revision,
      kind: 'created',
      time: now,
      sequence: sequenceFloor(now),
      apiKeyName: writer,
      before: null,
      after: fields,
    };
    try {
      await this.calls.run('insert', () =>
        this.collection.insertOne({
          ...portal,
          lookup: lookupOf(fields),
          historySequence: entry.sequence,
          historyOutbox: [entry],
        }),
      );
    } catch (error) {
      if (isDuplicateKey(error) && !isSlugConflict(error)) throw await this.conflict(organizationId, id, true);
      throw translateWriteError(error);
    }
    try {
      await this.history.store(organizationId, id, [entry]);
      return await this.withVerification(portal);
    } catch (error) {
      // The portal stands: an idempotent create must not be let make it again (service.ts).
      if (error instanceof DatabaseUnavailableError) throw new UnconfirmedWriteError({ cause: error });
      throw error;
    }
  }

  /** Copies a tombstone's entries to the history, then removes it: the delete is then complete. */
  private async finishDelete(tombstone: Tombstone): Promise<void> {
    const { organizationId, id } = tombstone.deletedFrom;
    await this.history.copy(organizationId, id, tombstone.historyOutbox);
    await this.calls.run('delete', () =>
      this.tombstones.deleteOne({ _id: tombstone._id, organizationId: TOMBSTONE_ORGANIZATION }),
    );
  }

  /**
   * Copies every entry of a portal that may still wait in an outbox (its own, or its tombstones') to
   * the history; true when the portal exists.
   */
  async flushHistory(organizationId: string, id: string): Promise<boolean> {
    const live = await this.calls.run('find', () =>
      this.collection.findOne({ organizationId, id }, { projection: { _id: 0, historyOutbox: 1 } }),
    );
    await this.history.copy(organizationId, id, live?.historyOutbox ?? []);
    const tombstones = await this.calls.run('find', () =>
      this.tombstones
        .find({
          organizationId: TOMBSTONE_ORGANIZATION,
          'deletedFrom.organizationId': organizationId,
          'deletedFrom.id': id,
        })
        .toArray(),
    );
    for (const tombstone of tombstones) await this.finishDelete(tombstone);
    return live !== null;
  }

  /**
   * Completes every delete cut short (at start-up). Entries of writes cut short wait in their portal's
   * document, where the next write or read of its history finds them.
   */
  async sweepHistory(): Promise<number> {
    const tombstones = await this.calls.run('find', () =>
      this.tombstones.find({ organizationId: TOMBSTONE_ORGANIZATION }).toArray(),
    );
    for (const tombstone of tombstones) await this.finishDelete(tombstone);
    return tombstones.length;
  }

  async findById(organizationId: string, id: string): Promise<Portal | null> {
    return this.shownOrNull(this.storedById(organizationId, id));
  }

  private storedById(organizationId: string, id: string): Promise<StoredPortal | null> {
    return this.portalOrNull(
      this.calls.run('find', () => this.collection.findOne({ organizationId, id }, { projection: PORTAL_PROJECTION })),
    );
  }

  findBySlug(organizationId: string, slug: string): Promise<Portal | null> {
    const stored = this.portalOrNull(
      this.calls.run('find', () =>
        this.collection.findOne(
          { organizationId, 'lookup.slug': slug.toLowerCase() },
          { projection: PORTAL_PROJECTION },
        ),
      ),
    );
    return this.shownOrNull(stored);
  }

  /** An active portal by slug, for the public storefront. */
  findActiveBySlug(organizationId: string, slug: string): Promise<StoredPortal | null> {
    return this.portalOrNull(
      this.calls.run('find', () =>
        this.collection.findOne(
          { organizationId, 'lookup.slug': slug.toLowerCase(), status: 'active' },
          { projection: PORTAL_PROJECTION },
        ),
      ),
    );
  }

  /** An active portal on a custom domain, of the organization whose claim on the domain is verified. */
  async findActiveOnDomain(domain: string, slug: string): Promise<StoredPortal | null> {
    const owner = await this.domainClaims.findVerified(domain);
    if (!owner) return null;
    return this.portalOrNull(
      this.calls.run('find', () =>
        this.collection.findOne(
          {
            organizationId: owner.organizationId,
            'lookup.slug': slug.toLowerCase(),
            customDomain: domain,
            status: 'active',
          },
          { projection: PORTAL_PROJECTION },
        ),
      ),
    );
  }

  /** The portal with its organization's claim on its custom domain (made if there is none yet). */
  async withVerification(portal: StoredPortal): Promise<Portal> {
    return (await this.withVerifications(portal.organizationId, [portal]))[0];
  }

  private async withVerifications(organizationId: string, portals: StoredPortal[]): Promise<Portal[]> {
    const domains = [...new Set(portals.flatMap((portal) => (portal.customDomain ? [portal.customDomain] : [])))];
    const claims = await this.domainClaims.forDomains(organizationId, domains, new Date());
    return portals.map((portal) => {
      const claim = portal.customDomain ? claims.get(portal.customDomain) : undefined;
      return { ...portal, customDomainVerification: claim ? verificationOf(claim) : null };
    });
  }

  /**
   * Gives up the organization's claim on a domain that none of its portals uses any more, so that the
   * domain is served again only once someone verifies it anew. True when the organization no longer
   * holds the domain.
   */
  async releaseIfUnused(organizationId: string, domain: string, writer: WriterName): Promise<boolean> {
    if (await this.usesDomain(organizationId, domain)) return false;
    if (!(await this.domainClaims.release(organizationId, domain))) return true;
    // A portal written onto the domain meanwhile may have read the claim just deleted: it gets a new
    // (pending) one. Its writer, reading the claim after writing the portal, covers the other order.
    if (!(await this.usesDomain(organizationId, domain))) return true;
    const now = new Date();
    await this.domainClaims.ensure(organizationId, domain, now);
    await this.touchPortalsOn(organizationId, domain, { time: now, apiKeyName: writer, changes: [] });
    return false;
  }

  private async usesDomain(organizationId: string, domain: string): Promise<boolean> {
    const count = await this.calls.run('aggregate', () =>
      this.collection.countDocuments({ organizationId, customDomain: domain }, { limit: 1 }),
    );
    return count > 0;
  }

  /**
   * New revisions for the organization's portals on a domain whose claim changed: what they show
   * changed, so their ETags must too; each records the change in its history.
   */
  async touchPortalsOn(
    organizationId: string,
    domain: string,
    change: { time: Date; apiKeyName: WriterName; changes: FieldChange[] },
  ): Promise<void> {
    const revision = newRevision();
    const onDomain = { organizationId, customDomain: domain };
    await this.calls.run('update', () =>
      this.collection.updateMany(onDomain, recordedTouch(change.changes, { revision, ...change })),
    );
    const touched = await this.calls.run('find', () =>
      this.collection
        .find({ ...onDomain, 'historyOutbox.revision': revision }, { projection: { _id: 0, id: 1, historyOutbox: 1 } })
        .toArray(),
    );
    for (const portal of touched) await this.history.copy(organizationId, portal.id, portal.historyOutbox ?? []);
  }

  /**
   * Deletes the portal; false when there is none. With an expected revision, a portal at another
   * revision (or none) is a ConflictError; so is no portal when one must exist. The portal is read, then
   * replaced by its tombstone only if still at the revision read (the check and the delete are one
   * operation), so that the entry holds exactly what was deleted.
   */
  async delete(
    organizationId: string,
    id: string,
    now: Date,
    condition: WriteCondition = {},
    writer: WriterName = null,
  ): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.calls.run('find', () =>
        this.collection.findOne({ organizationId, id }, { projection: { lookup: 0 } }),
      );
      const mustExist = condition.revision !== undefined || condition.exists === true;
      if (!current && !mustExist) return false;
      if (!current || (condition.revision !== undefined && withRevision(current).revision !== condition.revision)) {
        throw new ConflictError(id, current ? withRevision(current).revision : null);
      }
      const tombstone = await this.entomb(current, now, writer);
      if (!tombstone) {
        // Written in between: read it again (a conditional delete, at its revision, now conflicts).
        if (attempt < UPSERT_ATTEMPTS) continue;
        throw await this.conflict(organizationId, id);
      }
      await this.finishDelete(tombstone).catch(() => undefined);
      if (current.customDomain) await this.releaseIfUnused(organizationId, current.customDomain, writer);
      return true;
    }
  }

  /** Replaces the portal, if still as read, by its tombstone holding the delete's entry; null if it changed. */
  private async entomb(current: PortalDocument, now: Date, writer: WriterName): Promise<Tombstone | null> {
    const revision = newRevision();
    const { organizationId, id } = current;
    const entry: OutboxEntry = {
      revision,
      kind: 'deleted',
      time: now,
      sequence: nextSequence(current.historySequence, now),
      apiKeyName: writer,
      before: storedFieldsOf(current),
      after: null,
    };
    const tombstone: Tombstone = {
      organizationId: TOMBSTONE_ORGANIZATION,
      id: revision,
      lookup: { websiteId: '', slug: revision },
      deletedFrom: { organizationId, id },
      historyOutbox: [...(current.historyOutbox ?? []), entry],
    };
    const filter = { organizationId, id, ...atRevision(withRevision(current).revision) };
    const replaced = await this.calls.run('findAndModify', () =>
      this.collection.findOneAndReplace(filter, tombstone as never, { projection: { _id: 1 } }),
    );
    return replaced ? { ...tombstone, _id: replaced._id as ObjectId } : null;
  }

  /** Why a conditional write found nothing to write: the portal's current revision, or none. */
  private async conflict(organizationId: string, id: string, expectedAbsent = false): Promise<ConflictError> {
    const current = await this.storedById(organizationId, id);
    return new ConflictError(id, current?.revision ?? null, expectedAbsent);
  }

  private async portalOrNull(read: Promise<PortalDocument | null>): Promise<StoredPortal | null> {
    const document = await read;
    return document && withRevision(document);
  }

  private async shownOrNull(read: Promise<StoredPortal | null>): Promise<Portal | null> {
    const portal = await read;
    return portal && this.withVerification(portal);
  }

  /** One page by offset, with the total number of matches. */
  async listByOffset(
    organizationId: string,
    query: PortalListQuery,
    offset: number,
    limit: number,
  ): Promise<PortalPage> {
    const filter = toMongoFilter(organizationId, query);
    const [portals, total] = await Promise.all([
      this.pages.read(organizationId, filter, toMongoSort(query.sort, 1), offset, limit),
      this.pages.count(filter),
    ]);
    return { portals: await this.withVerifications(organizationId, portals), total };
  }

  /**
   * Up to `limit` portals strictly after (or, `reverse`, strictly before) a keyset position, in the
   * query's order (or its reverse).
   */
  async listByKeyset(
    organizationId: string,
    query: PortalListQuery,
    options: { after?: PortalKeyset; before?: PortalKeyset; limit: number; reverse: boolean },
  ): Promise<Portal[]> {
    const clauses: Filter<PortalDocument>[] = [toMongoFilter(organizationId, query)];
    if (options.after) clauses.push(keysetCondition(query.sort, options.after, 1));
    if (options.before) clauses.push(keysetCondition(query.sort, options.before, -1));
    const filter = clauses.length === 1 ? clauses[0] : { $and: clauses };
    const sort = toMongoSort(query.sort, options.reverse ? -1 : 1);
    return this.withVerifications(
      organizationId,
      await this.pages.read(organizationId, filter, sort, 0, options.limit),
    );
  }

  count(organizationId: string, query: PortalListQuery): Promise<number> {
    return this.pages.count(toMongoFilter(organizationId, query));
  }
}

function lookupOf(fields: PortalFields): PortalDocument['lookup'] {
  return { websiteId: fields.websiteId.toLowerCase(), slug: fields.slug.toLowerCase() };
}

function isDuplicateKey(error: unknown): error is MongoServerError {
  return error instanceof MongoError && error.code === 11000;
}

function isSlugConflict(error: MongoServerError): boolean {
  const pattern = error.keyPattern ?? error.errorResponse?.keyPattern;
  if (pattern && typeof pattern === 'object') return 'lookup.slug' in pattern;
  return String(error.message).includes(SLUG_INDEX);
}

function translateWriteError(error: unknown): unknown {
  if (isDuplicateKey(error) && isSlugConflict(error)) {
    return new ValidationError([{ field: 'slug', message: 'is already used by another billing portal' }]);
  }
  return error;
}
