/**
 * Portals already read, kept by organization and id and trusted only at the revision they were read
 * at. Every write gives a portal a new random revision (store.ts), so a page read as (id, revision)
 * pairs tells exactly which cached portals are still current — whichever instance of the service
 * wrote them — and only the others are read whole. Decoding twenty whole documents was most of what
 * a list page cost (BENCHMARKS.md).
 */
import { LRUCache } from 'lru-cache';
import type { Portal } from './model.js';

/** About 2 KB each: a bounded few tens of megabytes at most. */
const DEFAULT_CAPACITY = 10_000;

export class PortalCache {
  private readonly entries: LRUCache<string, { revision: string; portal: Portal }>;

  constructor(capacity = DEFAULT_CAPACITY) {
    this.entries = new LRUCache({ max: capacity });
  }

  /** The portal as of `revision`, if that is the revision it was cached at. */
  get(organizationId: string, id: string, revision: string): Portal | undefined {
    const entry = this.entries.get(`${organizationId}\u0000${id}`);
    return entry?.revision === revision ? entry.portal : undefined;
  }

  remember(portal: Portal, revision: string): void {
    this.entries.set(`${portal.organizationId}\u0000${portal.id}`, { revision, portal });
  }
}
