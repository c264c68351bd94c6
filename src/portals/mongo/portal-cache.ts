/**
 * Portals already read, kept by organization and id and trusted only at the version they were read
 * at: their `revision`, which every write of this service sets anew at random (store.ts), and their
 * `updatedTime`, which every writer moves — so a write by anything that does not know of revisions
 * (an older instance during a deploy) is noticed too. A page read as (id, version) tells exactly
 * which cached portals are current, whichever instance wrote them; only the others are read whole.
 * Decoding twenty whole documents was most of what a list page cost (BENCHMARKS.md).
 */
import { LRUCache } from 'lru-cache';
import type { StoredPortal } from '../model.ts';

/** About 2 KB each: a bounded few tens of megabytes at most. */
const DEFAULT_CAPACITY = 10_000;

export interface PortalVersion {
  id: string;
  /** Absent on portals written before revisions existed: those are never cached. */
  revision?: string;
  updatedTime: Date;
}

interface Entry {
  revision: string;
  updatedTime: number;
  portal: StoredPortal;
}

export class PortalCache {
  private readonly entries: LRUCache<string, Entry>;
  /** Lookups so far, for the metrics. */
  readonly counts = { hits: 0, misses: 0 };

  constructor(capacity = DEFAULT_CAPACITY) {
    this.entries = new LRUCache({ max: capacity });
  }

  /** The portal at exactly this version, if that is the version cached. */
  get(organizationId: string, version: PortalVersion): StoredPortal | undefined {
    if (version.revision === undefined) return undefined;
    const entry = this.entries.get(`${organizationId}\u0000${version.id}`);
    const current = entry?.revision === version.revision && entry.updatedTime === version.updatedTime.getTime();
    if (!current) {
      this.counts.misses++;
      return undefined;
    }
    this.counts.hits++;
    return entry.portal;
  }

  remember(portal: StoredPortal, version: { revision: string; updatedTime: Date }): void {
    this.entries.set(`${portal.organizationId}\u0000${portal.id}`, {
      revision: version.revision,
      updatedTime: version.updatedTime.getTime(),
      portal,
    });
  }
}
