/**
 * An update event's `updateDescription`, computed from the document before and after, the way
 * MongoDB's document diff reports a pipeline update: changed fields by dotted path (descending into
 * sub-documents and into arrays element by element), removed fields, and arrays that got shorter.
 */
import type { Doc } from '../compare.ts';
import { canonicalKey, isPlainObject } from '../compare.ts';

export interface UpdateDescription {
  updatedFields: Doc;
  removedFields: string[];
  truncatedArrays: Array<{ field: string; newSize: number }>;
}

export function describeUpdate(before: Doc, after: Doc): UpdateDescription {
  const out: UpdateDescription = { updatedFields: {}, removedFields: [], truncatedArrays: [] };
  diffObject(out, '', before, after);
  return out;
}

function diffObject(out: UpdateDescription, prefix: string, before: Doc, after: Doc): void {
  for (const [key, value] of Object.entries(after)) {
    const path = prefix + key;
    if (!Object.hasOwn(before, key)) out.updatedFields[path] = value;
    else diffValue(out, path, before[key], value);
  }
  for (const key of Object.keys(before)) if (!Object.hasOwn(after, key)) out.removedFields.push(prefix + key);
}

function diffValue(out: UpdateDescription, path: string, before: unknown, after: unknown): void {
  if (canonicalKey(before) === canonicalKey(after)) return;
  if (isPlainObject(before) && isPlainObject(after) && sameFieldOrder(before, after)) {
    diffObject(out, path + '.', before, after);
  } else if (Array.isArray(before) && Array.isArray(after)) {
    if (after.length < before.length) out.truncatedArrays.push({ field: path, newSize: after.length });
    for (let i = 0; i < after.length; i++) {
      if (i >= before.length) out.updatedFields[`${path}.${i}`] = after[i];
      else diffValue(out, `${path}.${i}`, before[i], after[i]);
    }
  } else {
    out.updatedFields[path] = after;
  }
}

/** Sub-documents whose common fields moved are reported whole (a field-wise diff cannot say it). */
function sameFieldOrder(before: unknown, after: unknown): boolean {
  if (!isPlainObject(before) || !isPlainObject(after)) return true;
  const a = Object.keys(before).filter((k) => Object.hasOwn(after, k));
  const b = Object.keys(after).filter((k) => Object.hasOwn(before, k));
  return a.every((k, i) => k === b[i]);
}
