/**
 * One subscriber's queue of portal changes, read as an async iterator. The queue is bounded: a reader
 * that falls that far behind is ended with SLOW_CONSUMER rather than let memory grow. Returning from the
 * iterator (the client went away) removes the subscriber from the feed.
 */
import type { Timestamp } from 'mongodb';
import type { HistoryEntry } from '../history.ts';
import type { StoredPortal } from '../model.ts';
import { ChangeFeedError } from './change-feed-errors.ts';

export interface SubscriptionScope {
  organizationId: string;
  /** Only this portal's changes; undefined: every portal of the organization. */
  portalId?: string;
}

export interface PortalChange {
  /** The change stream's resume token (`_data`): the SSE event id, and what `after` takes. */
  eventId: string;
  kind: 'created' | 'updated' | 'deleted';
  organizationId: string;
  portalId: string;
  /** The portal's revision after the change; null after a delete. */
  revision: string | null;
  occurredTime: Date;
  /** The portal right after the change; null after a delete. */
  portal: StoredPortal | null;
  /** The change's history entry, as the history stores it; null for a write that recorded none. */
  entry: HistoryEntry | null;
  /** Orders changes: increasing in commit order. */
  clusterTime: Timestamp;
}

/** A change, or the failure that ends the subscription (delivered as its last item). */
export type FeedItem = PortalChange | ChangeFeedError;

export class Subscription implements AsyncIterableIterator<FeedItem> {
  readonly scope: SubscriptionScope;
  private readonly queue: FeedItem[] = [];
  /** Live changes that came while a resuming subscriber still reads what it missed. */
  private held: PortalChange[] | undefined;
  private waiting: ((result: IteratorResult<FeedItem>) => void) | undefined;
  private done = false;
  private readonly maxQueued: number;
  private readonly onEnd: () => void;

  constructor(scope: SubscriptionScope, maxQueued: number, catchingUp: boolean, onEnd: () => void) {
    this.scope = scope;
    this.maxQueued = maxQueued;
    this.onEnd = onEnd;
    if (catchingUp) this.held = [];
  }

  get ended(): boolean {
    return this.done;
  }

  /** A live change of the subscriber's organization. */
  offerLive(change: PortalChange): void {
    if (!this.matches(change)) return;
    if (!this.held) return this.enqueue(change);
    if (this.held.length >= this.maxQueued) return this.fail(new ChangeFeedError('SLOW_CONSUMER'));
    this.held.push(change);
  }

  /** A change read while catching up. */
  offerMissed(change: PortalChange): void {
    if (this.matches(change)) this.enqueue(change);
  }

  /** Caught up to `last`: the held live changes after it follow. */
  goLive(last: Timestamp | undefined): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const change of held) if (!last || change.clusterTime.compare(last) > 0) this.enqueue(change);
  }

  /** Ends the subscription with this failure as its last item (after what is queued). */
  fail(failure: unknown): void {
    if (this.done) return;
    this.done = true;
    this.onEnd();
    const item = failure instanceof ChangeFeedError ? failure : new ChangeFeedError('SERVICE_UNAVAILABLE');
    if (this.waiting) this.settle({ value: item, done: false });
    else this.queue.push(item);
  }

  next(): Promise<IteratorResult<FeedItem>> {
    const item = this.queue.shift();
    if (item) return Promise.resolve({ value: item, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<FeedItem>> {
    this.queue.length = 0;
    if (!this.done) {
      this.done = true;
      this.onEnd();
    }
    this.settle({ value: undefined, done: true });
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private matches(change: PortalChange): boolean {
    return this.scope.portalId === undefined || change.portalId === this.scope.portalId;
  }

  private enqueue(change: PortalChange): void {
    if (this.done) return;
    if (this.waiting) return this.settle({ value: change, done: false });
    if (this.queue.length >= this.maxQueued) return this.fail(new ChangeFeedError('SLOW_CONSUMER'));
    this.queue.push(change);
  }

  private settle(result: IteratorResult<FeedItem>): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.(result);
  }
}
