/**
 * MongoDB persistence of portals. Every write is one atomic single-document operation; every read and
 * write is scoped to one organization. Driver failures that mean "no database" become
 * DatabaseUnavailableError; a duplicate slug becomes a ValidationError on `slug`.
 *
 * Every write stamps a new random `revision`, by which list pages (page-reader.ts) know which portals
 * they may take from the cache.
 */
import { MongoError, MongoServerError, type Collection, type Db, type Filter } from 'mongodb';
import { guard } from './database-unavailable.ts';
import { ConflictError, ValidationError, type WriteCondition } from '../errors.ts';
import type { PortalKeyset, PortalListQuery } from '../list-query.ts';
import type { Portal, PortalFields } from '../model.ts';
import { keysetCondition, toMongoFilter, toMongoSort, type PortalDocument } from './query.ts';
import { PORTAL_INDEXES, SLUG_INDEX } from './indexes.ts';
import { IdempotencyKeys } from './idempotency-keys.ts';
import { PageReader } from './page-reader.ts';
import { PortalCache } from './portal-cache.ts';
import { atRevision, newRevision, withRevision } from './revision.ts';

export const COLLECTION_NAME = 'billingPortals';
/** Which organization a custom domain belongs to: one document per domain. */
export const DOMAIN_COLLECTION_NAME = 'customDomains';

export interface DomainClaim {
  _id: string;
  organizationId: string;
}

/** Never send storage-only fields back. */
const PORTAL_PROJECTION = { _id: 0, lookup: 0 } as const;

/** How many times an upsert that lost a race for its new id (E11000 on the id index) is retried. */
const UPSERT_ATTEMPTS = 5;

export interface PortalPage {
  portals: Portal[];
  total: number;
}

export class PortalStore {
  private readonly collection: Collection<PortalDocument>;
  private readonly domains: Collection<DomainClaim>;

  private readonly pages: PageReader;
  /** The idempotency keys of portal creation. */
  readonly idempotencyKeys: IdempotencyKeys;

  constructor(db: Db, pageCache = new PortalCache()) {
    this.collection = db.collection<PortalDocument>(COLLECTION_NAME);
    this.domains = db.collection<DomainClaim>(DOMAIN_COLLECTION_NAME);
    this.pages = new PageReader(db, this.collection, pageCache);
    this.idempotencyKeys = new IdempotencyKeys(db);
  }

  static fromDb(db: Db, pageCache?: PortalCache): PortalStore {
    return new PortalStore(db, pageCache);
  }

  async ensureIndexes(): Promise<void> {
    await guard(() => this.collection.createIndexes(PORTAL_INDEXES));
    await this.idempotencyKeys.ensureIndexes();
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
  ): Promise<{ portal: Portal; created: boolean }> {
    if (condition.exists === false)
      return { portal: await this.insert(organizationId, id, fields, now), created: true };
    if (fields.customDomain) await this.claimDomain(organizationId, fields.customDomain);
    const conditional = condition.revision !== undefined || condition.exists === true;
    const filter: Filter<PortalDocument> = {
      organizationId,
      id,
      ...(condition.revision === undefined ? {} : atRevision(condition.revision)),
    };
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await guard(() =>
          this.collection.findOneAndUpdate(
            filter,
            {
              $set: { ...fields, lookup: lookupOf(fields), revision: newRevision(), updatedTime: now },
              $setOnInsert: { createdTime: now },
            },
            {
              upsert: !conditional,
              returnDocument: 'after',
              includeResultMetadata: true,
              projection: PORTAL_PROJECTION,
            },
          ),
        );
        if (!result.value) {
          if (conditional) throw await this.conflict(organizationId, id);
          throw new Error('findOneAndUpdate with upsert returned no document');
        }
        return { portal: withRevision(result.value), created: result.lastErrorObject?.updatedExisting !== true };
      } catch (error) {
        // Two upserts of one new id can both try to insert; the loser retries and becomes an update.
        if (isDuplicateKey(error) && !isSlugConflict(error) && attempt < UPSERT_ATTEMPTS) continue;
        throw translateWriteError(error);
      }
    }
  }

  /** A new portal; an id already taken is a ConflictError naming the current revision. */
  async insert(organizationId: string, id: string, fields: PortalFields, now: Date): Promise<Portal> {
    const portal: Portal = {
      id,
      organizationId,
      ...fields,
      createdTime: now,
      updatedTime: now,
      revision: newRevision(),
    };
    if (fields.customDomain) await this.claimDomain(organizationId, fields.customDomain);
    try {
      await guard(() => this.collection.insertOne({ ...portal, lookup: lookupOf(fields) }));
    } catch (error) {
      if (isDuplicateKey(error) && !isSlugConflict(error)) throw await this.conflict(organizationId, id, true);
      throw translateWriteError(error);
    }
    return portal;
  }

  async findById(organizationId: string, id: string): Promise<Portal | null> {
    return this.portalOrNull(
      guard(() => this.collection.findOne({ organizationId, id }, { projection: PORTAL_PROJECTION })),
    );
  }

  findBySlug(organizationId: string, slug: string): Promise<Portal | null> {
    return this.portalOrNull(
      guard(() =>
        this.collection.findOne(
          { organizationId, 'lookup.slug': slug.toLowerCase() },
          { projection: PORTAL_PROJECTION },
        ),
      ),
    );
  }

  /** An active portal by slug, for the public storefront. */
  findActiveBySlug(organizationId: string, slug: string): Promise<Portal | null> {
    return this.portalOrNull(
      guard(() =>
        this.collection.findOne(
          { organizationId, 'lookup.slug': slug.toLowerCase(), status: 'active' },
          { projection: PORTAL_PROJECTION },
        ),
      ),
    );
  }

  /** An active portal served on a custom domain, found through the organization that owns the domain. */
  async findActiveOnDomain(domain: string, slug: string): Promise<Portal | null> {
    const claim = await guard(() => this.domains.findOne({ _id: domain }));
    if (!claim) return null;
    return this.portalOrNull(
      guard(() =>
        this.collection.findOne(
          {
            organizationId: claim.organizationId,
            'lookup.slug': slug.toLowerCase(),
            customDomain: domain,
            status: 'active',
          },
          { projection: PORTAL_PROJECTION },
        ),
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
        .findOneAndUpdate(
          { _id: domain },
          { $setOnInsert: { organizationId } },
          { upsert: true, returnDocument: 'after' },
        )
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

  /**
   * Deletes the portal; false when there is none. With an expected revision, the check and the delete
   * are one operation, and a portal at another revision (or none) is a ConflictError; so is no portal
   * when one must exist.
   */
  async delete(organizationId: string, id: string, condition: WriteCondition = {}): Promise<boolean> {
    const revision = condition.revision === undefined ? {} : atRevision(condition.revision);
    const result = await guard(() => this.collection.deleteOne({ organizationId, id, ...revision }));
    if (result.deletedCount === 1) return true;
    if (condition.revision !== undefined || condition.exists === true) throw await this.conflict(organizationId, id);
    return false;
  }

  /** Why a conditional write found nothing to write: the portal's current revision, or none. */
  private async conflict(organizationId: string, id: string, expectedAbsent = false): Promise<ConflictError> {
    const current = await this.findById(organizationId, id);
    return new ConflictError(id, current?.revision ?? null, expectedAbsent);
  }

  private async portalOrNull(read: Promise<PortalDocument | null>): Promise<Portal | null> {
    const document = await read;
    return document && withRevision(document);
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
    return this.pages.read(organizationId, filter, toMongoSort(query.sort, options.reverse ? -1 : 1), 0, options.limit);
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
