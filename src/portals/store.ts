/**
 * MongoDB persistence of portals. Every write is one atomic single-document operation; every read and
 * write is scoped to one organization. Driver failures that mean "no database" become
 * DatabaseUnavailableError; a duplicate slug becomes a ValidationError on `slug`.
 *
 * Every write stamps a new random `revision`. Pages are read as (id, revision, updatedTime) and filled
 * from the PortalCache, reading whole only the portals it does not hold at that version.
 */
import { randomUUID } from 'node:crypto';
import {
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerClosedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  type Collection,
  type Db,
  type Filter,
  type IndexDescription,
} from 'mongodb';
import { DatabaseUnavailableError, ValidationError } from './errors.js';
import type { PortalListQuery } from './list-query.js';
import type { Portal, PortalFields } from './model.js';
import { keysetCondition, toMongoFilter, toMongoSort, type MongoSort, type PortalDocument, type PortalKeyset } from './mongo-query.js';
import { PortalCache, type PortalVersion } from './portal-cache.js';


export const COLLECTION_NAME = 'billingPortals';
/** Which organization a custom domain belongs to: one document per domain. */
export const DOMAIN_COLLECTION_NAME = 'customDomains';

export interface DomainClaim {
  _id: string;
  organizationId: string;
}

const SLUG_INDEX = 'organizationId_slug';
const INDEXES: IndexDescription[] = [
  { key: { organizationId: 1, id: 1 }, name: 'organizationId_id', unique: true },
  { key: { organizationId: 1, 'lookup.slug': 1 }, name: SLUG_INDEX, unique: true },
  { key: { organizationId: 1, createdTime: -1, id: -1 }, name: 'organizationId_createdTime_id' },
  { key: { organizationId: 1, updatedTime: -1, id: -1 }, name: 'organizationId_updatedTime_id' },
  {
    key: { organizationId: 1, 'lookup.websiteId': 1, createdTime: -1, id: -1 },
    name: 'organizationId_websiteId_createdTime_id',
  },
  // Whether an organization still serves a portal on a domain (see claimDomain).
  { key: { organizationId: 1, customDomain: 1 }, name: 'organizationId_customDomain' },
];

/** Never send storage-only fields back. */
const PORTAL_PROJECTION = { _id: 0, lookup: 0, revision: 0 } as const;
/** A whole portal with the revision it was read at, for the cache. */
const CACHEABLE_PROJECTION = { _id: 0, lookup: 0 } as const;
/** What a page query reads of each portal: which one, at which version. */
const PAGE_KEY_PROJECTION = { _id: 0, id: 1, revision: 1, updatedTime: 1 } as const;

/** How many times an upsert that lost a race for its new id (E11000 on the id index) is retried. */
const UPSERT_ATTEMPTS = 5;

/** A cursor command's reply when its first batch is all there is. */
interface CommandCursorReply<T> {
  cursor: { firstBatch: T[] };
}

export interface PortalPage {
  portals: Portal[];
  total: number;
}

export class PortalStore {
  private readonly collection: Collection<PortalDocument>;
  private readonly domains: Collection<DomainClaim>;

  constructor(
    private readonly db: Db,
    private readonly cache = new PortalCache(),
  ) {
    this.collection = db.collection<PortalDocument>(COLLECTION_NAME);
    this.domains = db.collection<DomainClaim>(DOMAIN_COLLECTION_NAME);
  }

  static fromDb(db: Db): PortalStore {
    return new PortalStore(db);
  }

  async ensureIndexes(): Promise<void> {
    await guard(() => this.collection.createIndexes(INDEXES));
  }

  /** Full replacement of a portal by id, creating it if absent; `createdTime` survives an update. */
  async upsert(organizationId: string, id: string, fields: PortalFields, now: Date): Promise<{ portal: Portal; created: boolean }> {
    if (fields.customDomain) await this.claimDomain(organizationId, fields.customDomain);
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await guard(() =>
          this.collection.findOneAndUpdate(
            { organizationId, id },
            {
              $set: { ...fields, lookup: lookupOf(fields), revision: randomUUID(), updatedTime: now },
              $setOnInsert: { createdTime: now },
            },
            { upsert: true, returnDocument: 'after', includeResultMetadata: true, projection: PORTAL_PROJECTION },
          ),
        );
        if (!result.value) throw new Error('findOneAndUpdate with upsert returned no document');
        return { portal: result.value, created: result.lastErrorObject?.updatedExisting !== true };
      } catch (error) {
        // Two upserts of one new id can both try to insert; the loser retries and becomes an update.
        if (isDuplicateKey(error) && !isSlugConflict(error) && attempt < UPSERT_ATTEMPTS) continue;
        throw translateWriteError(error);
      }
    }
  }

  async insert(organizationId: string, id: string, fields: PortalFields, now: Date): Promise<Portal> {
    const portal: Portal = { id, organizationId, ...fields, createdTime: now, updatedTime: now };
    if (fields.customDomain) await this.claimDomain(organizationId, fields.customDomain);
    try {
      await guard(() => this.collection.insertOne({ ...portal, lookup: lookupOf(fields), revision: randomUUID() }));
    } catch (error) {
      throw translateWriteError(error);
    }
    return portal;
  }

  findById(organizationId: string, id: string): Promise<Portal | null> {
    return guard(() => this.collection.findOne({ organizationId, id }, { projection: PORTAL_PROJECTION }));
  }

  findBySlug(organizationId: string, slug: string): Promise<Portal | null> {
    return guard(() =>
      this.collection.findOne({ organizationId, 'lookup.slug': slug.toLowerCase() }, { projection: PORTAL_PROJECTION }),
    );
  }

  /** An active portal by slug, for the public storefront. */
  findActiveBySlug(organizationId: string, slug: string): Promise<Portal | null> {
    return guard(() =>
      this.collection.findOne(
        { organizationId, 'lookup.slug': slug.toLowerCase(), status: 'active' },
        { projection: PORTAL_PROJECTION },
      ),
    );
  }

  /** An active portal served on a custom domain, found through the organization that owns the domain. */
  async findActiveOnDomain(domain: string, slug: string): Promise<Portal | null> {
    const claim = await guard(() => this.domains.findOne({ _id: domain }));
    if (!claim) return null;
    return guard(() =>
      this.collection.findOne(
        { organizationId: claim.organizationId, 'lookup.slug': slug.toLowerCase(), customDomain: domain, status: 'active' },
        { projection: PORTAL_PROJECTION },
      ),
    );
  }

  /**
   * Makes `domain` the organization's, unless another organization owns it and still has a portal on
   * it (then: ValidationError on customDomain). A domain no portal uses any more passes to the next
   * organization that asks.
   */
  private async claimDomain(organizationId: string, domain: string): Promise<void> {
    const claim = await guard(() =>
      this.domains
        .findOneAndUpdate({ _id: domain }, { $setOnInsert: { organizationId } }, { upsert: true, returnDocument: 'after' })
        .catch((error: unknown) => {
          // Two first claims raced; the loser reads the winner's.
          if (isDuplicateKey(error)) return this.domains.findOne({ _id: domain });
          throw error;
        }),
    );
    if (!claim || claim.organizationId === organizationId) return;
    const stillUsed = await guard(() =>
      this.collection.countDocuments({ organizationId: claim.organizationId, customDomain: domain }, { limit: 1 }),
    );
    if (stillUsed === 0) {
      const moved = await guard(() =>
        this.domains.updateOne({ _id: domain, organizationId: claim.organizationId }, { $set: { organizationId } }),
      );
      if (moved.modifiedCount === 1) return;
    }
    throw new ValidationError([{ field: 'customDomain', message: 'is already used by another organization' }]);
  }

  async delete(organizationId: string, id: string): Promise<boolean> {
    const result = await guard(() => this.collection.deleteOne({ organizationId, id }));
    return result.deletedCount === 1;
  }

  /** One page by offset, with the total number of matches. */
  async listByOffset(organizationId: string, query: PortalListQuery, offset: number, limit: number): Promise<PortalPage> {
    const filter = toMongoFilter(organizationId, query);
    const [portals, total] = await Promise.all([
      this.readPage(organizationId, filter, toMongoSort(query.sort, 1), offset, limit),
      this.countMatching(filter),
    ]);
    return { portals, total };
  }

  /**
   * Up to `limit` portals strictly after (or, `reverse`, strictly before) a keyset position, in the
   * query's order (or its reverse).
   */
  listByKeyset(
    organizationId: string,
    query: PortalListQuery,
    options: { after?: PortalKeyset; before?: PortalKeyset; limit: number; reverse: boolean },
  ): Promise<Portal[]> {
    const clauses: Filter<PortalDocument>[] = [toMongoFilter(organizationId, query)];
    if (options.after) clauses.push(keysetCondition(query.sort, options.after, 1));
    if (options.before) clauses.push(keysetCondition(query.sort, options.before, -1));
    const filter = clauses.length === 1 ? clauses[0] : { $and: clauses };
    return this.readPage(organizationId, filter, toMongoSort(query.sort, options.reverse ? -1 : 1), 0, options.limit);
  }

  /** The portals a page query selects, in its order: current ones from the cache, the rest read whole. */
  private async readPage(
    organizationId: string,
    filter: Filter<PortalDocument>,
    sort: MongoSort,
    skip: number,
    limit: number,
  ): Promise<Portal[]> {
    if (limit === 0) return [];
    const keys = await this.pageVersions(filter, sort, skip, limit);
    const page = keys.map((key) => this.cache.get(organizationId, key));
    const missing = keys.filter((_, i) => page[i] === undefined);
    if (missing.length === 0) return page as Portal[];
    const read = await guard(() =>
      this.collection
        .find({ organizationId, id: { $in: missing.map(({ id }) => id) } }, { projection: CACHEABLE_PROJECTION })
        .toArray(),
    );
    const readById = new Map(read.map((document) => [document.id, document]));
    // Each must be the version the page query saw: one written or deleted in between may no longer
    // belong on this page, or in this place. Then the page is read again whole, in one query.
    if (!missing.every((key) => isVersion(readById.get(key.id), key))) {
      return this.readWholePage(filter, sort, skip, limit);
    }
    return keys.map((key, i) => page[i] ?? this.remember(readById.get(key.id)!));
  }

  /*
   * The two reads every page makes — which portals at which versions, and how many match — run as
   * plain commands. Their answers are complete in one batch, and the driver's cursors cost more per
   * returned document than decoding it: 20 versions 142 → 99 µs, a count 137 → 71 µs of service CPU
   * (BENCHMARKS.md). The count is the very command `countDocuments()` sends; the find is `find()`'s,
   * asked for every document in its first batch. Like any db.command they go to the primary.
   */

  private async pageVersions(filter: Filter<PortalDocument>, sort: MongoSort, skip: number, limit: number): Promise<PortalVersion[]> {
    const reply = await guard(() =>
      // Without batchSize a server's first batch stops at 101 documents, and singleBatch would end there.
      this.db.command({ find: COLLECTION_NAME, filter, sort, skip, limit, batchSize: limit, projection: PAGE_KEY_PROJECTION, singleBatch: true }),
    );
    return (reply as CommandCursorReply<PortalVersion>).cursor.firstBatch;
  }

  private async countMatching(filter: Filter<PortalDocument>): Promise<number> {
    const reply = await guard(() =>
      this.db.command({ aggregate: COLLECTION_NAME, pipeline: [{ $match: filter }, { $group: { _id: 1, n: { $sum: 1 } } }], cursor: {} }),
    );
    return (reply as CommandCursorReply<{ n: number }>).cursor.firstBatch[0]?.n ?? 0;
  }

  private async readWholePage(filter: Filter<PortalDocument>, sort: MongoSort, skip: number, limit: number): Promise<Portal[]> {
    const documents = await guard(() =>
      this.collection.find(filter, { projection: CACHEABLE_PROJECTION }).sort(sort).skip(skip).limit(limit).toArray(),
    );
    return documents.map((document) => this.remember(document));
  }

  /** The portal of a document read with its revision, cached at that version when it has one. */
  private remember({ revision, ...portal }: Portal & { revision?: string }): Portal {
    // Written before revisions existed: read whole every time, until its next write.
    if (revision !== undefined) this.cache.remember(portal, { revision, updatedTime: portal.updatedTime });
    return portal;
  }

  count(organizationId: string, query: PortalListQuery): Promise<number> {
    return this.countMatching(toMongoFilter(organizationId, query));
  }
}

function isVersion(document: (Portal & { revision?: string }) | undefined, version: PortalVersion): boolean {
  return (
    document !== undefined &&
    document.revision === version.revision &&
    document.updatedTime.getTime() === version.updatedTime.getTime()
  );
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

/** Driver errors that say "no database to talk to" (some, like the pool's, are not exported classes). */
const UNAVAILABLE_ERROR_NAMES = new Set(['MongoPoolClearedError', 'MongoWaitQueueTimeoutError']);
/** Node's socket errors, which the driver passes on unwrapped when it writes to a socket the server has closed. */
const CONNECTION_LOST_CODES = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED']);

function isUnavailable(error: unknown): boolean {
  return (
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNetworkError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoServerClosedError ||
    error instanceof MongoOperationTimeoutError ||
    (error instanceof MongoError && UNAVAILABLE_ERROR_NAMES.has(error.name)) ||
    (error instanceof Error && CONNECTION_LOST_CODES.has((error as NodeJS.ErrnoException).code ?? ''))
  );
}

/** Runs one database call, turning "the database is not there" into DatabaseUnavailableError. */
async function guard<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw isUnavailable(error) ? new DatabaseUnavailableError({ cause: error }) : error;
  }
}
