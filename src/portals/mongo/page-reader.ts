/**
 * How list pages are read (both doors, by offset and by keyset). A page query reads only which portals
 * are on the page at which version — (id, revision, updatedTime) — takes those the PortalCache holds at
 * exactly that version and reads the rest whole in one `$in` query. Should any of those no longer be
 * the version the page query saw (written or deleted in between), the page is read again whole, so a
 * page never mixes versions. Decoding twenty whole documents was most of what a page cost
 * (BENCHMARKS.md).
 */
import type { Collection, Db, Filter } from 'mongodb';
import { DatabaseCalls, UNOBSERVED_CALLS } from './database-calls.ts';
import type { StoredPortal } from '../model.ts';
import type { MongoSort, PortalDocument } from './query.ts';
import { PortalCache, type PortalVersion } from './portal-cache.ts';
import { withRevision } from './revision.ts';

/** A whole portal with the revision it was read at, for the cache. */
const CACHEABLE_PROJECTION = { _id: 0, lookup: 0, historyOutbox: 0, historySequence: 0 } as const;
/** What a page query reads of each portal: which one, at which version. */
const PAGE_KEY_PROJECTION = { _id: 0, id: 1, revision: 1, updatedTime: 1 } as const;

/** A cursor command's reply when its first batch is all there is. */
interface CommandCursorReply<T> {
  cursor: { firstBatch: T[] };
}

export class PageReader {
  private readonly db: Db;
  private readonly collection: Collection<PortalDocument>;
  private readonly cache: PortalCache;

  private readonly calls: DatabaseCalls;

  constructor(db: Db, collection: Collection<PortalDocument>, cache = new PortalCache(), calls = UNOBSERVED_CALLS) {
    this.db = db;
    this.calls = calls;
    this.collection = collection;
    this.cache = cache;
  }

  /** The portals a page query selects, in its order: current ones from the cache, the rest read whole. */
  async read(
    organizationId: string,
    filter: Filter<PortalDocument>,
    sort: MongoSort,
    skip: number,
    limit: number,
  ): Promise<StoredPortal[]> {
    if (limit === 0) return [];
    const keys = await this.pageVersions(filter, sort, skip, limit);
    const page = keys.map((key) => this.cache.get(organizationId, key));
    const missing = keys.filter((_, i) => page[i] === undefined);
    if (missing.length === 0) return page as StoredPortal[];
    const read = await this.calls.run('find', () =>
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

  /** How many portals match: the very command `countDocuments()` sends (see the note below). */
  async count(filter: Filter<PortalDocument>): Promise<number> {
    const reply = await this.calls.run('aggregate', () =>
      this.db.command({
        aggregate: this.collection.collectionName,
        pipeline: [{ $match: filter }, { $group: { _id: 1, n: { $sum: 1 } } }],
        cursor: {},
      }),
    );
    return (reply as CommandCursorReply<{ n: number }>).cursor.firstBatch[0]?.n ?? 0;
  }

  /*
   * The two reads every page makes — which portals at which versions, and how many match — run as
   * plain commands. Their answers are complete in one batch, and the driver's cursors cost more per
   * returned document than decoding it: 20 versions 142 → 99 µs, a count 137 → 71 µs of service CPU
   * (BENCHMARKS.md). Like any db.command they go to the primary and are not retried by the driver.
   */

  /** `find()`'s command, asked for the whole page in its one batch. */
  private async pageVersions(
    filter: Filter<PortalDocument>,
    sort: MongoSort,
    skip: number,
    limit: number,
  ): Promise<PortalVersion[]> {
    const reply = await this.calls.run('find', () =>
      this.db.command({
        find: this.collection.collectionName,
        filter,
        sort,
        skip,
        limit,
        // Without it a server's first batch stops at 101 documents, and singleBatch would end there.
        batchSize: limit,
        projection: PAGE_KEY_PROJECTION,
        singleBatch: true,
      }),
    );
    return (reply as CommandCursorReply<PortalVersion>).cursor.firstBatch;
  }

  private async readWholePage(
    filter: Filter<PortalDocument>,
    sort: MongoSort,
    skip: number,
    limit: number,
  ): Promise<StoredPortal[]> {
    const documents = await this.calls.run('find', () =>
      this.collection.find(filter, { projection: CACHEABLE_PROJECTION }).sort(sort).skip(skip).limit(limit).toArray(),
    );
    return documents.map((document) => this.remember(document));
  }

  /** The portal of a document read with its revision, cached at that version when it has one. */
  private remember(document: PortalDocument): StoredPortal {
    // Written before revisions existed: read whole every time, until its next write.
    const { revision } = document;
    const portal = withRevision(document);
    if (revision !== undefined) this.cache.remember(portal, { revision, updatedTime: portal.updatedTime });
    return portal;
  }
}

function isVersion(document: PortalDocument | undefined, version: PortalVersion): boolean {
  return (
    document !== undefined &&
    document.revision === version.revision &&
    document.updatedTime.getTime() === version.updatedTime.getTime()
  );
}
