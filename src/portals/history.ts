/**
 * A portal's change history as the domain sees it: one entry per write (per new revision), saying who
 * wrote, when, and which fields changed from what to what. The change list is derived from the field
 * declarations (fields.ts): every writable leaf field, by its dotted path.
 */
import { eachField, isWritable, PORTAL_FIELDS, type DomainVerification, type PortalFields } from './fields.ts';

export const CHANGE_KINDS = ['created', 'updated', 'deleted'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** A leaf field's value as the history shows it. */
export type FieldValue = string | boolean | null;

export interface FieldChange {
  /** Dotted path of the field, e.g. `customization.colors.primary`. */
  path: string;
  before: FieldValue;
  after: FieldValue;
}

/** Who wrote: the organization and its API key's name (null: the service itself, on the organization's behalf). */
export interface Actor {
  organizationId: string;
  apiKeyName: string | null;
}

export interface HistoryEntry {
  portalId: string;
  /** The portal's revision after this change (for a delete: a revision of its own). */
  revision: string;
  kind: ChangeKind;
  time: Date;
  actor: Actor;
  changes: FieldChange[];
}

/** The writable leaf fields, with their paths, in declaration order. */
const LEAF_PATHS: string[][] = [...eachField(PORTAL_FIELDS)]
  .filter(({ field }) => field.kind !== 'group' && isWritable(field))
  .map(({ path }) => path);

function valueAt(fields: Partial<PortalFields> | null, path: string[]): FieldValue {
  let value: unknown = fields;
  for (const name of path) {
    if (value === null || typeof value !== 'object') return null;
    value = (value as Record<string, unknown>)[name];
  }
  return value === undefined ? null : (value as FieldValue);
}

/**
 * Every writable field whose value differs between two versions (null: no portal). A created portal
 * lists the fields it has a value for; a deleted one, the values it had.
 */
export function changesBetween(
  before: Partial<PortalFields> | null,
  after: Partial<PortalFields> | null,
): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const path of LEAF_PATHS) {
    const change = { path: path.join('.'), before: valueAt(before, path), after: valueAt(after, path) };
    if (change.before !== change.after) changes.push(change);
  }
  return changes;
}

/** What a custom domain's check changed of the verification its portals show. */
export function verificationChanges(before: DomainVerification, after: DomainVerification): FieldChange[] {
  const shown = (value: Date | string | null) => (value instanceof Date ? value.toISOString() : value);
  return (['status', 'checkedTime', 'failureReason'] as const).flatMap((name) => {
    const change = {
      path: `customDomainVerification.${name}`,
      before: shown(before[name]),
      after: shown(after[name]),
    };
    return change.before === change.after ? [] : [change];
  });
}
