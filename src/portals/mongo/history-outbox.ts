/**
 * The change history's transactional outbox: the very single-document write that changes a portal also
 * puts the change's entry in the portal document (`historyOutbox`), so that no write is ever stored
 * without its entry and no entry without its write, with no multi-document transaction. The writer then
 * copies it to the history collection (history-store.ts) before it answers.
 *
 * The document keeps the entry of its latest write only: a write replaces it, and gets the entry it
 * replaced back (the update answers the document as it was), which its writer copies too — usually
 * stored already, but not when the previous writer died before copying. So an acknowledged write's
 * entry is always stored, the current revision's always at hand, and the document stays small without a
 * second update to clear it. (A custom-domain check, which updates many portals at once and so cannot
 * get entries back, keeps a few.)
 *
 * A write of the fields is an update pipeline: the entry takes the fields as they were (`before`) from
 * the document itself, in the same atomic step. Each entry gets a `sequence`, increasing per portal in
 * the order its writes were applied: max(previous + 1, the write's time in µs), so that a portal created
 * again after a delete also sorts after its earlier life.
 */
import type { Document } from 'mongodb';
import { isWritable, PORTAL_FIELDS, type PortalFields } from '../fields.ts';
import { changesBetween, type ChangeKind, type FieldChange, type HistoryEntry } from '../history.ts';

export interface OutboxEntry {
  revision: string;
  kind: ChangeKind;
  time: Date;
  sequence: number;
  apiKeyName: string | null;
  /** The writable fields before and after the write (null: no portal). */
  before: Partial<PortalFields> | null;
  after: Partial<PortalFields> | null;
  /** Instead of before/after, for a change outside the stored fields (a custom domain's verification). */
  changes?: FieldChange[];
}

/**
 * The history entry an outbox entry stands for: what the history stores, and what a change event of the
 * write carries (its post-image holds the outbox), so that both show exactly the same entry.
 */
export function historyEntryOf(organizationId: string, portalId: string, entry: OutboxEntry): HistoryEntry {
  return {
    portalId,
    revision: entry.revision,
    kind: entry.kind,
    time: entry.time,
    actor: { organizationId, apiKeyName: entry.apiKeyName },
    changes: entry.changes ?? changesBetween(entry.before, entry.after),
  };
}

/** What a portal document holds for the history. */
export interface OutboxFields {
  historyOutbox?: OutboxEntry[];
  historySequence?: number;
}

const WRITABLE_NAMES = Object.entries(PORTAL_FIELDS)
  .filter(([, field]) => isWritable(field))
  .map(([name]) => name);

/** The document's writable fields, as an aggregation expression. */
const STORED_FIELDS = Object.fromEntries(WRITABLE_NAMES.map((name) => [name, `$${name}`]));

/** A portal document not yet created: an upsert's new document holds only the filter's fields. */
const IS_NEW = { $eq: [{ $type: '$createdTime' }, 'missing'] };

/** The first sequence a write at `time` may take. */
export function sequenceFloor(time: Date): number {
  return time.getTime() * 1000;
}

/** The next sequence after `previous` for a write at `time`. */
export function nextSequence(previous: number | undefined, time: Date): number {
  return Math.max((previous ?? 0) + 1, sequenceFloor(time));
}

const NEXT_SEQUENCE = (time: Date) => ({
  $max: [{ $add: [{ $ifNull: ['$historySequence', 0] }, 1] }, sequenceFloor(time)],
});

/** How many entries a custom-domain check leaves in a document (its own and those before it). */
const KEPT_BY_TOUCH = 4;

function appended(entry: Record<string, unknown>): Document {
  return { $slice: [{ $concatArrays: [{ $ifNull: ['$historyOutbox', []] }, [entry]] }, -KEPT_BY_TOUCH] };
}

/** The fields a document holds, as the pipeline's `before` takes them. */
export function storedFieldsOf(document: object): Partial<PortalFields> {
  return Object.fromEntries(
    WRITABLE_NAMES.filter((name) => name in document).map((name) => [
      name,
      (document as Record<string, unknown>)[name],
    ]),
  ) as Partial<PortalFields>;
}

/** The entry recordedReplacement puts in the document, from the document as it was (null: none). */
export function replacementEntry(
  before: OutboxFields | null,
  fields: PortalFields,
  write: { revision: string; time: Date; apiKeyName: string | null },
): OutboxEntry {
  return {
    revision: write.revision,
    kind: before ? 'updated' : 'created',
    time: write.time,
    sequence: nextSequence(before?.historySequence, write.time),
    apiKeyName: write.apiKeyName,
    before: before && storedFieldsOf(before),
    after: fields,
  };
}

/**
 * The update pipeline of a full replacement (or creation) of a portal's fields, recording its entry:
 * `$set` of each field is a literal, never an expression, whatever the client sent.
 */
export function recordedReplacement(
  fields: PortalFields,
  extra: Record<string, unknown>,
  write: { revision: string; time: Date; apiKeyName: string | null },
): Document[] {
  const literal = (value: unknown) => ({ $literal: value });
  return [
    { $set: { historySequence: NEXT_SEQUENCE(write.time) } },
    {
      $set: {
        historyOutbox: [
          {
            revision: literal(write.revision),
            kind: { $cond: [IS_NEW, 'created', 'updated'] },
            time: literal(write.time),
            sequence: '$historySequence',
            apiKeyName: literal(write.apiKeyName),
            before: { $cond: [IS_NEW, null, STORED_FIELDS] },
            after: literal(fields),
          },
        ],
      },
    },
    {
      $set: {
        ...Object.fromEntries(Object.entries({ ...fields, ...extra }).map(([name, value]) => [name, literal(value)])),
        revision: literal(write.revision),
        updatedTime: literal(write.time),
        createdTime: { $ifNull: ['$createdTime', literal(write.time)] },
      },
    },
  ];
}

/** The update pipeline of a new revision for a change outside the stored fields, with its entry. */
export function recordedTouch(
  changes: FieldChange[],
  write: { revision: string; time: Date; apiKeyName: string | null },
): Document[] {
  return [
    { $set: { historySequence: NEXT_SEQUENCE(write.time) } },
    {
      $set: {
        historyOutbox: appended({
          revision: { $literal: write.revision },
          kind: 'updated',
          time: { $literal: write.time },
          sequence: '$historySequence',
          apiKeyName: { $literal: write.apiKeyName },
          before: null,
          after: null,
          changes: { $literal: changes },
        }),
        revision: { $literal: write.revision },
      },
    },
  ];
}
