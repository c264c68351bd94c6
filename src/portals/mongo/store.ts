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
import { guard } from './database-unavailable.ts';
import { ConflictError, ValidationError, type WriteCondition } from '../errors.ts';
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
import { nextSequence, recordedReplacement, recordedTouch, sequenceFloor, type OutboxEntry } from './history-outbox.ts';
import { isWritable, PORTAL_FIELDS } from '../fields.ts';

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

  constructor(db: Db, pageCache = new PortalCache(), options: StoreOptions = {}) {
    this.collection = db.collection<PortalDocument>(COLLECTION_NAME);
    this.domainClaims = new DomainClaims(db);
    this.pages = new PageReader(db, this.collection, pageCache);
    this.idempotencyKeys = new IdempotencyKeys(db);
    this.history = new HistoryStore(db, options.historyRetentionDays ?? 365);
  }

  static fromDb(db: Db, pageCache?: PortalCache, options?: StoreOptions): PortalStore {
    return new PortalStore(db, pageCache, options);
  }

  async ensureIndexes(): Promise<void> {
    await guard(() => this.collection.createIndexes(PORTAL_INDEXES));
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
    const revision = newRevision();
    const written = await this.replace(filter, fields, { revision, time: now, apiKeyName: writer }, !conditional);
    if (!written) throw await this.conflict(organizationId, id);
    const outbox = written.historyOutbox ?? [];
    const entry = outbox.find((pending) => pending.revision === revision)!;
    await this.flushOutbox(organizationId, id, outbox);
    const leaving = entry.before?.customDomain;
    if (leaving && leaving !== fields.customDomain) await this.releaseIfUnused(organizationId, leaving, writer);
    const portal: StoredPortal = {
      id,
      organizationId,
      ...fields,
      createdTime: written.createdTime,
      updatedTime: now,
      revision,
    };
    return { portal: await this.withVerification(portal), created: entry.kind === 'created' };
  }

  /**
   * Writes the fields over the portal the filter finds (or a new one), with the write's history entry:
   * the document's createdTime and outbox afterwards; null when the filter found nothing to write.
   */
  private async replace(
    filter: Filter<PortalDocument>,
    fields: PortalFields,
    write: { revision: string; time: Date; apiKeyName: WriterName },
    upsert: boolean,
  ): Promise<Pick<PortalDocument, 'createdTime' | 'historyOutbox'> | null> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await guard(() =>
          this.collection.findOneAndUpdate(filter, recordedReplacement(fields, { lookup: lookupOf(fields) }, write), {
            upsert,
            returnDocument: 'after',
            projection: { _id: 0, createdTime: 1, historyOutbox: 1 },
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
      await guard(() =>
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
    await this.flushOutbox(organizationId, id, [entry]);
    return this.withVerification(portal);
  }

  /**
   * Copies a live portal's outbox entries to the history and pulls them from its document. Should that
   * fail, the entries stay in the outbox, and whoever next finds them copies them (the write stands).
   */
  private async flushOutbox(organizationId: string, id: string, entries: OutboxEntry[]): Promise<void> {
    if (entries.length === 0) return;
    try {
      await this.history.copy(organizationId, id, entries);
      const revisions = entries.map((entry) => entry.revision);
      await guard(() =>
        this.collection.updateOne(
          { organizationId, id },
          { $pull: { historyOutbox: { revision: { $in: revisions } } } },
        ),
      );
    } catch {
      // Left in the outbox: see above.
    }
  }

  /** Copies a tombstone's entries to the history, then removes it: the delete is then complete. */
  private async finishDelete(tombstone: Tombstone): Promise<void> {
    const { organizationId, id } = tombstone.deletedFrom;
    await this.history.copy(organizationId, id, tombstone.historyOutbox);
    await guard(() => this.tombstones.deleteOne({ _id: tombstone._id, organizationId: TOMBSTONE_ORGANIZATION }));
  }

  /**
   * Copies every entry of a portal still waiting in an outbox (its own, or its tombstones') to the
   * history; true when the portal exists.
   */
  async flushHistory(organizationId: string, id: string): Promise<boolean> {
    const live = await guard(() =>
      this.collection.findOne({ organizationId, id }, { projection: { _id: 0, historyOutbox: 1 } }),
    );
    await this.flushOutbox(organizationId, id, live?.historyOutbox ?? []);
    const tombstones = await guard(() =>
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

  /** Copies every entry waiting in any outbox, and completes every interrupted delete (at start-up). */
  async sweepHistory(): Promise<number> {
    const waiting = await guard(() =>
      this.collection
        .find({ 'historyOutbox.0': { $exists: true } }, { projection: { organizationId: 1, id: 1, deletedFrom: 1 } })
        .toArray(),
    );
    for (const document of waiting as Array<Pick<PortalDocument, 'organizationId' | 'id'>>) {
      if (document.organizationId === TOMBSTONE_ORGANIZATION) {
        const tombstone = await guard(() => this.tombstones.findOne({ _id: (document as Tombstone)._id }));
        if (tombstone) await this.finishDelete(tombstone);
      } else {
        await this.flushHistory(document.organizationId, document.id);
      }
    }
    return waiting.length;
  }

  async findById(organizationId: string, id: string): Promise<Portal | null> {
    return this.shownOrNull(this.storedById(organizationId, id));
  }

  private storedById(organizationId: string, id: string): Promise<StoredPortal | null> {
    return this.portalOrNull(
      guard(() => this.collection.findOne({ organizationId, id }, { projection: PORTAL_PROJECTION })),
    );
  }

  findBySlug(organizationId: string, slug: string): Promise<Portal | null> {
    const stored = this.portalOrNull(
      guard(() =>
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
      guard(() =>
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
      guard(() =>
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
    const count = await guard(() =>
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
    await guard(() => this.collection.updateMany(onDomain, recordedTouch(change.changes, { revision, ...change })));
    const touched = await guard(() =>
      this.collection
        .find({ ...onDomain, 'historyOutbox.revision': revision }, { projection: { _id: 0, id: 1, historyOutbox: 1 } })
        .toArray(),
    );
    for (const portal of touched) await this.flushOutbox(organizationId, portal.id, portal.historyOutbox ?? []);
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
      const current = await guard(() => this.collection.findOne({ organizationId, id }, { projection: { lookup: 0 } }));
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
      before: writableFieldsOf(current),
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
    const replaced = await guard(() =>
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

function writableFieldsOf(document: PortalDocument): Partial<PortalFields> {
  return Object.fromEntries(
    Object.entries(PORTAL_FIELDS)
      .filter(([name, field]) => isWritable(field) && name in document)
      .map(([name]) => [name, document[name as keyof PortalDocument]]),
  ) as Partial<PortalFields>;
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
