/**
 * Revisions as stored: every write of this service sets a new random `revision`. A document written by
 * something that does not know of revisions (an older instance, a migration) may have none; its
 * revision is then made of its `updatedTime`, which every writer moves, so it still changes on every
 * write and a conditional write can still name it.
 */
import { randomUUID } from 'node:crypto';
import type { Filter } from 'mongodb';
import type { PortalDocument } from './query.ts';

/** A random UUID never starts with `t`. */
const FROM_UPDATED_TIME = /^t(\d{1,15})$/;

export function newRevision(): string {
  return randomUUID();
}

/** The document with its revision filled in (in place: it was just read). */
export function withRevision<T extends { revision?: string; updatedTime: Date }>(
  document: T,
): T & { revision: string } {
  document.revision ??= `t${document.updatedTime.getTime()}`;
  return document as T & { revision: string };
}

/** The condition "this document is still at `revision`", for a filter. */
export function atRevision(revision: string): Filter<PortalDocument> {
  const fromTime = FROM_UPDATED_TIME.exec(revision);
  if (fromTime) return { revision: { $exists: false }, updatedTime: new Date(Number(fromTime[1])) };
  return { revision };
}
