/** Change event documents as MongoDB shapes them, rendered from log entries for one stream's options. */
import type { Doc } from '../compare.ts';
import type { Engine } from '../storage/database.ts';
import { ID_INDEX_SPEC } from '../storage/collection.ts';
import type { ChangeEntry } from './event-log.ts';
import type { ChangeStreamSpec } from './options.ts';
import { encodeToken, toTimestamp } from './resume-token.ts';
import { describeUpdate } from './update-description.ts';

/** Which events a stream sees: one collection, one database, or every database but the internal ones. */
export type StreamScope = { db: string; coll: string } | { db: string; coll?: undefined } | { cluster: true };

const INTERNAL_DATABASES = new Set(['admin', 'config', 'local']);

/** Whether the stream sees the entry, and whether the entry ends (invalidates) the stream. */
export function classify(scope: StreamScope, entry: ChangeEntry): { sees: boolean; invalidates: boolean } {
  if ('cluster' in scope) return { sees: !INTERNAL_DATABASES.has(entry.db), invalidates: false };
  if (entry.db !== scope.db) return { sees: false, invalidates: false };
  if (scope.coll === undefined) return { sees: true, invalidates: entry.op === 'dropDatabase' };
  if (entry.coll !== scope.coll) return { sees: false, invalidates: false };
  return { sees: true, invalidates: entry.op === 'drop' };
}

/** The event document for `entry`, or undefined when this stream's options leave it out. */
export function renderEvent(entry: ChangeEntry, spec: ChangeStreamSpec, engine: Engine): Doc | undefined {
  if (entry.op === 'create' && !spec.showExpandedEvents) return undefined;
  const event: Doc = {
    _id: encodeToken(entry.time, engine.changes.epoch, 'event'),
    operationType: entry.op,
    clusterTime: toTimestamp(entry.time),
    wallTime: new Date(entry.wallMs),
  };
  const fullDocument = postImage(entry, spec, engine);
  if (fullDocument !== undefined) event.fullDocument = fullDocument;
  if (spec.fullDocumentBeforeChange !== 'off' && entry.before !== undefined) {
    event.fullDocumentBeforeChange = entry.before;
  }
  event.ns = entry.op === 'dropDatabase' ? { db: entry.db } : { db: entry.db, coll: entry.coll };
  const doc = entry.after ?? entry.before;
  if (doc !== undefined) event.documentKey = { _id: doc._id };
  if (entry.op === 'update') {
    entry.cache ??= {};
    entry.cache.updateDescription ??= describeUpdate(entry.before as Doc, entry.after as Doc);
    event.updateDescription = entry.cache.updateDescription;
  }
  if (entry.op === 'create') event.operationDescription = { idIndex: ID_INDEX_SPEC };
  return event;
}

export function invalidateEvent(entry: ChangeEntry, epoch: number): Doc {
  return {
    _id: encodeToken(entry.time, epoch, 'invalidate'),
    operationType: 'invalidate',
    clusterTime: toTimestamp(entry.time),
    wallTime: new Date(entry.wallMs),
  };
}

/**
 * `fullDocument`: inserts and replacements always carry the new document; updates carry it as the
 * option says (`updateLookup`: the document as it is now, null once deleted; `whenAvailable` and
 * `required`: the document right after this update, which the log always has).
 */
function postImage(entry: ChangeEntry, spec: ChangeStreamSpec, engine: Engine): Doc | null | undefined {
  if (entry.op === 'insert' || entry.op === 'replace') return entry.after;
  if (entry.op !== 'update' || spec.fullDocument === 'default') return undefined;
  if (spec.fullDocument === 'updateLookup') {
    return engine.getCollection(entry.db, entry.coll)?.getById((entry.after as Doc)._id) ?? null;
  }
  return entry.after;
}
