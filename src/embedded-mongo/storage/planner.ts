/**
 * Access-path selection for a filter. Today: `_id` equality / `$in` (direct lookups), equality on
 * every field of a hash index (unique preferred), else a collection scan. The chosen path is a
 * value so that a later `explain` can report it and an ordered-index planner (ranges, sorts) can
 * add stages without touching the commands, which only call `Collection.candidates`.
 */
import { canonicalKey, isPlainObject } from '../compare.js';
import type { Doc } from '../compare.js';
import { tupleKey } from './indexes.js';
import type { IndexAccess } from './indexes.js';

export type AccessPath =
  | { stage: 'IDHACK'; ids: unknown[] }
  | { stage: 'IXSCAN'; index: IndexAccess; key: string }
  | { stage: 'COLLSCAN' };

/** What the planner needs from a collection. */
export interface Plannable {
  readonly docs: Map<string, Doc>;
  readonly indexes: Map<string, IndexAccess>;
}

export function planQuery(coll: Plannable, filter: Doc): AccessPath {
  const idEq = equalityValue(filter, '_id');
  if (idEq.found) return { stage: 'IDHACK', ids: [idEq.value] };
  const idIn = inValues(filter, '_id');
  if (idIn) return { stage: 'IDHACK', ids: idIn };
  let best: AccessPath | undefined;
  for (const index of coll.indexes.values()) {
    if (!index.servesEquality) continue;
    const values: unknown[] = [];
    for (const f of index.fields) {
      const eq = equalityValue(filter, f);
      if (!eq.found || !isScalar(eq.value)) break;
      values.push(eq.value);
    }
    if (values.length !== index.fields.length) continue;
    const path: AccessPath = { stage: 'IXSCAN', index, key: tupleKey(values) };
    if (index.spec.unique) return path;
    best ??= path;
  }
  return best ?? { stage: 'COLLSCAN' };
}

/** The documents an access path yields (a superset of the matches: callers still test the filter). */
export function executePath(coll: Plannable, path: AccessPath): Iterable<Doc> {
  switch (path.stage) {
    case 'IDHACK': {
      const out: Doc[] = [];
      const seen = new Set<string>();
      for (const v of path.ids) {
        const k = canonicalKey(v);
        if (seen.has(k)) continue;
        seen.add(k);
        const d = coll.docs.get(k);
        if (d) out.push(d);
      }
      return out;
    }
    case 'IXSCAN': {
      const out: Doc[] = [];
      for (const id of path.index.lookup(path.key)) {
        const d = coll.docs.get(id);
        if (d) out.push(d);
      }
      return out;
    }
    case 'COLLSCAN':
      return coll.docs.values();
  }
}

function isScalar(v: unknown): boolean {
  return v !== null && v !== undefined && !Array.isArray(v) && !isPlainObject(v) && !(v instanceof RegExp);
}

/** The values of `{ field: { $in: [scalars] } }`, if the filter has exactly that on `field`. */
function inValues(filter: Doc, field: string): unknown[] | undefined {
  const v: unknown = filter[field];
  if (!isPlainObject(v) || Object.keys(v).length !== 1 || !Array.isArray(v.$in)) return undefined;
  const values = v.$in as unknown[];
  return values.every(isScalar) ? values : undefined;
}

/**
 * The value a filter pins `field` to by plain equality (`{f: v}`, `{f: {$eq: v}}`, inside `$and`),
 * if any. Values that are operator documents or regexes are not equalities.
 */
export function equalityValue(filter: Doc, field: string): { found: boolean; value?: unknown } {
  if (Object.prototype.hasOwnProperty.call(filter, field)) {
    const v: unknown = filter[field];
    if (isPlainObject(v)) {
      const keys = Object.keys(v);
      if (keys.length > 0 && keys.every((k) => k.startsWith('$'))) {
        if (keys.length === 1 && keys[0] === '$eq') return { found: true, value: v.$eq };
        return { found: false };
      }
      return { found: true, value: v };
    }
    if (v instanceof RegExp) return { found: false };
    return { found: true, value: v };
  }
  const and: unknown = filter.$and;
  if (Array.isArray(and)) {
    for (const clause of and) {
      if (isPlainObject(clause)) {
        const r = equalityValue(clause, field);
        if (r.found) return r;
      }
    }
  }
  return { found: false };
}
