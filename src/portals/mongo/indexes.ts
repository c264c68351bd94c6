/**
 * The indexes of the billingPortals collection, created idempotently at start-up. The list queries,
 * the benchmarks and the index tests all read this one list.
 */
import type { IndexDescription } from 'mongodb';

export const SLUG_INDEX = 'organizationId_slug';

export const PORTAL_INDEXES: IndexDescription[] = [
  { key: { organizationId: 1, id: 1 }, name: 'organizationId_id', unique: true },
  { key: { organizationId: 1, 'lookup.slug': 1 }, name: SLUG_INDEX, unique: true },
  { key: { organizationId: 1, createdTime: -1, id: -1 }, name: 'organizationId_createdTime_id' },
  { key: { organizationId: 1, updatedTime: -1, id: -1 }, name: 'organizationId_updatedTime_id' },
  {
    key: { organizationId: 1, 'lookup.websiteId': 1, createdTime: -1, id: -1 },
    name: 'organizationId_websiteId_createdTime_id',
  },
  // Whether an organization still serves a portal on a domain (see PortalStore.claimDomain).
  { key: { organizationId: 1, customDomain: 1 }, name: 'organizationId_customDomain' },
];
