/**
 * Live changes of portals. Each instance runs ONE change stream on the portals collection (a stream
 * waiting in getMore holds a pool connection) and fans its events out in memory to the subscribers of
 * this instance, routed by organization and, when a subscriber names one, by portal id. A write through
 * any instance reaches every instance's subscribers, since each reads the same change stream.
 *
 * A subscriber that resumes (it names the id of the last event it saw) first reads what it missed from
 * a change stream of its own, started after that event and filtered on its organization (and portal),
 * while the live events that arrive meanwhile are held; once caught up, that stream is closed and the
 * held events newer than the last one read are delivered. Events are ordered by their cluster time.
 */
import { MongoError, type ChangeStream, type ChangeStreamDocument, type Collection, type Document } from 'mongodb';
import type { HistoryEntry } from '../history.ts';
import type { StoredPortal } from '../model.ts';
import { guard } from './database-unavailable.ts';
import type { PortalDocument } from './query.ts';
import { withRevision } from './revision.ts';
import { historyEntryOf, type OutboxFields } from './history-outbox.ts';
import { ChangeFeedError, failureOf } from './change-feed-errors.ts';
import { Subscription, type FeedItem, type PortalChange, type SubscriptionScope } from './subscription.ts';

export { ChangeFeedError } from './change-feed-errors.ts';
export type { FeedItem, PortalChange, SubscriptionScope } from './subscription.ts';

export interface ChangeFeedOptions {
  /** Open subscriptions per organization on this instance; one more is refused. */
  maxPerOrganization: number;
  /** Changes waiting for one subscriber to read them; one more ends that subscription. */
  maxQueued: number;
}

export const DEFAULT_CHANGE_FEED_OPTIONS: ChangeFeedOptions = { maxPerOrganization: 100, maxQueued: 1000 };

type PortalEvent = ChangeStreamDocument<PortalDocument>;

const OPERATION_TYPES = ['insert', 'update', 'replace', 'delete'];

/**
 * Pre- and post-images: the portal right after each update, and the deleted portal (whose organization
 * and id route the event). On MongoDB they need the collection option set in `enableImages`.
 */
const STREAM_OPTIONS = { fullDocument: 'whenAvailable', fullDocumentBeforeChange: 'whenAvailable' } as const;

/** A resume token's `_data`, as MongoDB and the embedded server write it. */
const EVENT_ID = /^[0-9A-Fa-f]{2,8192}$/;

function scopeMatch(scope: SubscriptionScope): Document {
  const portalOf = (image: string) => ({
    [`${image}.organizationId`]: scope.organizationId,
    ...(scope.portalId === undefined ? {} : { [`${image}.id`]: scope.portalId }),
  });
  return {
    $or: [portalOf('fullDocument'), portalOf('fullDocumentBeforeChange'), portalOf('fullDocument.deletedFrom')],
  };
}

export class PortalChangeFeed {
  private stream: ChangeStream<PortalDocument, PortalEvent> | undefined;
  private opening: Promise<void> | undefined;
  private closed = false;
  private readonly byOrganization = new Map<string, Set<Subscription>>();
  private imagesEnabled = false;
  private readonly collection: Collection<PortalDocument>;
  private readonly options: ChangeFeedOptions;

  constructor(collection: Collection<PortalDocument>, options: ChangeFeedOptions = DEFAULT_CHANGE_FEED_OPTIONS) {
    this.collection = collection;
    this.options = options;
  }

  /** Open subscriptions on this instance. */
  get subscriberCount(): number {
    let count = 0;
    for (const subscriptions of this.byOrganization.values()) count += subscriptions.size;
    return count;
  }

  /**
   * A subscription to the changes of an organization's portals (or of one portal), from now on or,
   * with `after`, from the event after that one. Throws ChangeFeedError when it cannot be served.
   */
  async subscribe(scope: SubscriptionScope, after?: string): Promise<Subscription> {
    if (this.closed) throw new ChangeFeedError('SHUTTING_DOWN');
    if (after !== undefined && !EVENT_ID.test(after)) throw new ChangeFeedError('INVALID_EVENT_ID');
    const open = this.byOrganization.get(scope.organizationId) ?? new Set<Subscription>();
    if (open.size >= this.options.maxPerOrganization) throw new ChangeFeedError('TOO_MANY_SUBSCRIPTIONS');
    const subscription = new Subscription(scope, this.options.maxQueued, after !== undefined, () =>
      this.remove(subscription),
    );
    // Counted (and fed live events) from now on, while the stream opens.
    open.add(subscription);
    this.byOrganization.set(scope.organizationId, open);
    try {
      await this.ensureOpen();
      if (this.closed) throw new ChangeFeedError('SHUTTING_DOWN');
    } catch (error) {
      this.remove(subscription);
      throw error;
    }
    if (after !== undefined) void this.catchUp(subscription, after);
    return subscription;
  }

  /** Ends every subscription (each gets a SHUTTING_DOWN error event) and closes the stream. */
  async close(): Promise<void> {
    this.closed = true;
    for (const subscriptions of [...this.byOrganization.values()])
      for (const subscription of [...subscriptions]) subscription.fail(new ChangeFeedError('SHUTTING_DOWN'));
    const stream = this.stream;
    this.stream = undefined;
    await stream?.close();
  }

  private remove(subscription: Subscription): void {
    const open = this.byOrganization.get(subscription.scope.organizationId);
    open?.delete(subscription);
    if (open?.size === 0) this.byOrganization.delete(subscription.scope.organizationId);
  }

  private ensureOpen(): Promise<void> {
    if (this.stream) return Promise.resolve();
    this.opening ??= this.open().finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async open(): Promise<void> {
    await this.enableImages();
    const stream = this.collection.watch<PortalDocument, PortalEvent>(
      [{ $match: { operationType: { $in: OPERATION_TYPES } } }],
      STREAM_OPTIONS,
    );
    let first: PortalEvent | null;
    try {
      // Runs the aggregate: a server without change streams refuses it here.
      first = await guard(() => stream.tryNext());
    } catch (error) {
      await stream.close().catch(() => undefined);
      throw failureOf(error);
    }
    if (this.closed) return void (await stream.close());
    this.stream = stream;
    if (first) this.dispatch(first);
    void this.pump(stream);
  }

  /**
   * MongoDB keeps pre- and post-images only for collections that ask (a replica set's primary; the
   * embedded server always has them). Without them, updates and deletes cannot be routed.
   */
  private async enableImages(): Promise<void> {
    if (this.imagesEnabled) return;
    await this.collection.db
      .command({ collMod: this.collection.collectionName, changeStreamPreAndPostImages: { enabled: true } })
      .catch((error: unknown) => {
        // The embedded server has no collMod; a missing collection gets its option when the images are asked.
        if (!(error instanceof MongoError)) throw error;
      });
    this.imagesEnabled = true;
  }

  private async pump(stream: ChangeStream<PortalDocument, PortalEvent>): Promise<void> {
    try {
      for (;;) this.dispatch(await guard(() => stream.next()));
    } catch (error) {
      if (stream !== this.stream) return; // closed on purpose
      this.stream = undefined;
      await stream.close().catch(() => undefined);
      // The driver resumes by itself after a network error; this is what it could not get over. Every
      // subscriber is told (it may reconnect with its last event id); the next subscription reopens.
      const failure = failureOf(error);
      for (const subscriptions of [...this.byOrganization.values()])
        for (const subscription of [...subscriptions]) subscription.fail(failure);
    }
  }

  private dispatch(event: PortalEvent): void {
    const change = toChange(event);
    if (!change) return;
    for (const subscription of this.byOrganization.get(change.organizationId) ?? []) subscription.offerLive(change);
  }

  /** What the subscriber missed since `after`, from a stream of its own, then the live events held meanwhile. */
  private async catchUp(subscription: Subscription, after: string): Promise<void> {
    const stream = this.collection.watch<PortalDocument, PortalEvent>(
      [{ $match: { operationType: { $in: OPERATION_TYPES }, ...scopeMatch(subscription.scope) } }],
      { ...STREAM_OPTIONS, resumeAfter: { _data: after }, maxAwaitTimeMS: 1 },
    );
    try {
      let last: PortalChange | undefined;
      while (!subscription.ended) {
        const event = await guard(() => stream.tryNext());
        if (!event) break;
        const change = toChange(event);
        if (change) subscription.offerMissed((last = change));
      }
      subscription.goLive(last?.clusterTime);
    } catch (error) {
      subscription.fail(failureOf(error));
    } finally {
      await stream.close().catch(() => undefined);
    }
  }
}

/** The portal in a document, without what only storage needs (its lookup keys, its history outbox). */
function storedPortal(document: PortalDocument | null | undefined): StoredPortal | null {
  if (!document) return null;
  const { _id, lookup, historyOutbox, historySequence, ...portal } = document as PortalDocument &
    OutboxFields & { _id?: unknown };
  return withRevision(portal);
}

/** Where a portal document turned into a tombstone came from (a delete that records its history entry). */
type Tombstone = OutboxFields & { id: string; deletedFrom?: { organizationId: string; id: string } };

/** The entry of the write that made `revision`, from the outbox of the document it wrote (null: none). */
function entryIn(
  document: OutboxFields | null | undefined,
  organizationId: string,
  portalId: string,
  revision: string | null,
): HistoryEntry | null {
  const outboxEntry = document?.historyOutbox?.find((entry) => entry.revision === revision);
  return outboxEntry ? historyEntryOf(organizationId, portalId, outboxEntry) : null;
}

/**
 * The change an event stands for; undefined for an event that is no change of a portal: one this feed
 * cannot route (no image), or bookkeeping that leaves the revision as it was.
 */
function toChange(event: PortalEvent): PortalChange | undefined {
  if (!('documentKey' in event) || !OPERATION_TYPES.includes(event.operationType)) return undefined;
  const afterImage = 'fullDocument' in event ? event.fullDocument : undefined;
  const beforeImage = 'fullDocumentBeforeChange' in event ? event.fullDocumentBeforeChange : undefined;
  const common = {
    eventId: (event._id as { _data: string })._data,
    occurredTime: event.wallTime ?? new Date(event.clusterTime!.high * 1000),
    clusterTime: event.clusterTime!,
  };
  const tombstone = afterImage as Tombstone | null | undefined;
  if (tombstone?.deletedFrom) {
    const { organizationId, id: portalId } = tombstone.deletedFrom;
    // A tombstone's id is its delete's revision.
    const entry = entryIn(tombstone, organizationId, portalId, tombstone.id);
    return { ...common, kind: 'deleted', organizationId, portalId, revision: null, portal: null, entry };
  }
  if ((beforeImage as Tombstone | null | undefined)?.deletedFrom) return undefined; // a tombstone's removal
  const after = storedPortal(afterImage);
  const before = storedPortal(beforeImage);
  const image = after ?? before;
  if (!image) return undefined;
  if (event.operationType === 'update' && after && before && after.revision === before.revision) return undefined;
  const deleted = event.operationType === 'delete';
  const revision = deleted ? null : (after?.revision ?? null);
  return {
    ...common,
    kind: event.operationType === 'insert' ? 'created' : deleted ? 'deleted' : 'updated',
    organizationId: image.organizationId,
    portalId: image.id,
    revision,
    portal: deleted ? null : after,
    entry: deleted
      ? null
      : entryIn(afterImage as OutboxFields | null | undefined, image.organizationId, image.id, revision),
  };
}
