/**
 * MongoDB persistence of portals. Every write is one atomic single-document operation; every read and
 * write is scoped to one organization. Driver failures that mean "no database" become
 * DatabaseUnavailableError; a duplicate slug becomes a ValidationError on `slug`.
 *
 * Every write stamps a new random `revision`, by which list pages (page-reader.ts) know which portals
 * they may take from the cache.
 */
import { randomUUID } from 'node:crypto';
import {
  MongoError,
  MongoServerError,
  type Collection,
  type Db,
  type Filter,
} from 'mongodb';
import { guard } from './database-unavailable.ts';
import { ValidationError } from '../errors.ts';
import type { PortalKeyset, PortalListQuery } from '../list-query.ts';
import type { Portal, PortalFields } from '../model.ts';
import { keysetCondition, toMongoFilter, toMongoSort, type PortalDocument } from './query.ts';
import { PORTAL_INDEXES, SLUG_INDEX } from './indexes.ts';
import { PageReader } from './page-reader.ts';


export const COLLECTION_NAME = 'billingPortals';
/** Which organization a custom domain belongs to: one document per domain. */
export const DOMAIN_COLLECTION_NAME = 'customDomains';

export interface DomainClaim {
  _id: string;
  organizationId: string;
}

/** Never send storage-only fields back. */
const PORTAL_PROJECTION = { _id: 0, lookup: 0, revision: 0 } as const;

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

  constructor(db: Db) {
    this.collection = db.collection<PortalDocument>(COLLECTION_NAME);
    this.domains = db.collection<DomainClaim>(DOMAIN_COLLECTION_NAME);
    this.pages = new PageReader(db, this.collection);
  }

  static fromDb(db: Db): PortalStore {
    return new PortalStore(db);
  }

  async ensureIndexes(): Promise<void> {
    await guard(() => this.collection.createIndexes(PORTAL_INDEXES));
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
