/**
 * Access-path selection for a filter (and a sort). The path is a value, so that `explain` can report
 * it and the executors (`query.ts`) can stream it:
 *
 * - `IDHACK`: `_id` equality or `$in` (direct lookups in the documents map);
 * - `IXSCAN`: an ordered index walked over intervals built from the filter: equality / `$in` on a
 *   prefix of the index's fields, then optionally a range (`$gt/$gte/$lt/$lte`) on the next field.
 *   The walk follows the requested sort (either direction) when the sort fields continue the
 *   single-valued equality prefix; it is `exact` when the intervals hold exactly the matching
 *   documents (so a count needs no document and a find no residual filter);
 * - `COLLSCAN`: everything else.
 *
 * Choice rule (no trial runs): a unique index pinned on all its fields wins; then the most equality
 * fields, then a range, then serving the sort, then the shortest index. Predicates are taken from
 * the top level and `$and`; an `$or` contributes the hull of its branches' ranges on a field they
 * all bound (so keyset pages seek); `$nor`, regexes, `null`, arrays and embedded documents stay in
 * the residual filter, which the executors always apply (with mingo) unless the path is exact.
 * Multikey indexes (an array was indexed) are used for equality / `$in` only, with de-duplication,
 * never for ranges, sorts or counts. Partial indexes are not used for queries (they only enforce
 * uniqueness); sparse ones only when a non-null bound excludes documents they leave out.
 */
import { bsonTypeOf, canonicalKey, isPlainObject } from '../compare.ts';
import type { Doc } from '../compare.ts';
import { compareKeyValues } from './indexes.ts';
import type { Bound, Interval, OrderedIndex } from './indexes.ts';

export interface IxscanPath {
  stage: 'IXSCAN';
  index: OrderedIndex;
  intervals: Interval[];
  direction: 1 | -1;
  /** The walk yields documents in the requested sort order (true when there is no sort). */
  sortServed: boolean;
  /** The intervals hold exactly one entry per matching document: no residual filter needed. */
  exact: boolean;
}

export type AccessPath = { stage: 'IDHACK'; ids: unknown[] } | IxscanPath | { stage: 'COLLSCAN' };

/** What the planner needs from a collection. */
export interface Plannable {
  readonly docs: Map<string, Doc>;
  readonly indexes: Map<string, OrderedIndex>;
}

export type SortFields = Array<[string, 1 | -1]>;

/** Intervals beyond this many (a product of `$in` lists) are not enumerated: the field stays residual. */
const MAX_INTERVALS = 4096;

export function planQuery(coll: Plannable, filter: Doc, sort?: SortFields): AccessPath {
  const idEq = equalityValue(filter, '_id');
  if (idEq.found) return { stage: 'IDHACK', ids: [idEq.value] };
  const idIn = inValues(filter, '_id');
  if (idIn) return { stage: 'IDHACK', ids: idIn };
  if (coll.indexes.size === 0) return { stage: 'COLLSCAN' };
  const analysis = analyze(filter);
  let best: { path: IxscanPath; score: number[] } | undefined;
  for (const index of coll.indexes.values()) {
    const c = planIndex(index, analysis, sort);
    if (!c) continue;
    if (!best || better(c.score, best.score)) best = c;
  }
  return best ? best.path : { stage: 'COLLSCAN' };
}

function better(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return false;
}

/** One predicate on a field that bounds an index: points (`$eq`, `$in`) or a range. */
interface FieldCond {
  points?: unknown[];
  lo?: Bound;
  hi?: Bound;
  /** Points whose index equality is exactly mingo's equality (strings, booleans, dates). */
  exact: boolean;
}

interface Analysis {
  fields: Map<string, FieldCond[]>;
  /** Some predicate is not (exactly) expressed by the field conditions. */
  residual: boolean;
}

function analyze(filter: Doc): Analysis {
  const out: Analysis = { fields: new Map(), residual: false };
  analyzeInto(filter, out);
  return out;
}

function addCond(out: Analysis, field: string, cond: FieldCond): void {
  const list = out.fields.get(field);
  if (list) list.push(cond);
  else out.fields.set(field, [cond]);
}

function analyzeInto(f: Doc, out: Analysis): void {
  for (const k in f) {
    const v: unknown = f[k];
    if (k === '$and' && Array.isArray(v)) {
      for (const clause of v as unknown[]) {
        if (isPlainObject(clause)) analyzeInto(clause, out);
        else out.residual = true;
      }
      continue;
    }
    if (k === '$or' && Array.isArray(v)) {
      out.residual = true;
      for (const [field, cond] of orHull(v as unknown[])) addCond(out, field, cond);
      continue;
    }
    if (k.charCodeAt(0) === 36 /* $ */) {
      out.residual = true;
      continue;
    }
    const { conds, complete } = fieldConds(v);
    if (!complete) out.residual = true;
    for (const c of conds) addCond(out, k, c);
  }
}

/** The range a set of conditions (a conjunction) confines a field to, as one lower and one upper bound. */
function confine(conds: FieldCond[]): { lo?: Bound; hi?: Bound } {
  let lo: Bound | undefined;
  let hi: Bound | undefined;
  for (const c of conds) {
    if (c.points) {
      const pts = c.points.filter(isRangeValue);
      if (pts.length !== c.points.length || pts.length === 0) continue;
      const sorted = [...pts].sort(compareKeyValues);
      lo = tighter(lo, { value: sorted[0], inclusive: true }, 1);
      hi = tighter(hi, { value: sorted[sorted.length - 1], inclusive: true }, -1);
    } else {
      lo = tighter(lo, c.lo, 1);
      hi = tighter(hi, c.hi, -1);
    }
  }
  return { lo, hi };
}

/**
 * Ranges implied by an `$or`: for a field every branch confines, the hull of the branches' ranges
 * (a branch without a lower bound leaves the hull open below, and so on). E.g. the keyset condition
 * `{$or: [{t: {$lt: x}}, {t: x, id: {$lt: y}}]}` implies `t <= x`, which an index on `t` can seek to.
 */
function orHull(branches: unknown[]): Array<[string, FieldCond]> {
  if (branches.length === 0 || !branches.every(isPlainObject)) return [];
  const perBranch = (branches as Doc[]).map((b) => analyze(b).fields);
  const out: Array<[string, FieldCond]> = [];
  for (const field of perBranch[0].keys()) {
    let lo: Bound | undefined;
    let hi: Bound | undefined;
    let openLo = false;
    let openHi = false;
    for (const fields of perBranch) {
      const conds = fields.get(field);
      if (!conds) {
        openLo = openHi = true;
        break;
      }
      const r = confine(conds);
      if (!r.lo) openLo = true;
      else if (!openLo) lo = looser(lo, r.lo, 1);
      if (!r.hi) openHi = true;
      else if (!openHi) hi = looser(hi, r.hi, -1);
    }
    const cond: FieldCond = { exact: false };
    if (!openLo && lo) cond.lo = lo;
    if (!openHi && hi) cond.hi = hi;
    if (cond.lo || cond.hi) out.push([field, cond]);
  }
  return out;
}

/** Loosest of two lower (sign 1) or upper (sign -1) bounds. */
function looser(a: Bound | undefined, b: Bound, sign: number): Bound {
  if (!a) return b;
  const c = compareKeyValues(a.value, b.value) * sign;
  if (c !== 0) return c < 0 ? a : b;
  return a.inclusive ? a : b;
}

/** A value an index bound can hold (non-null scalar). */
function isBoundValue(v: unknown): boolean {
  if (v === null || v === undefined || Array.isArray(v) || isPlainObject(v) || v instanceof RegExp) return false;
  const t = bsonTypeOf(v);
  return t !== 'BSONRegExp' && t !== 'MinKey' && t !== 'MaxKey' && t !== 'Code';
}

/**
 * A range bound the index can take. bson number wrappers (Long, Int32, Double, Decimal128) are left
 * to the residual filter: mingo does not order them by value, and the scan's answer is mingo's.
 */
function isRangeValue(v: unknown): boolean {
  const t = bsonTypeOf(v);
  return isBoundValue(v) && t !== 'Long' && t !== 'Int32' && t !== 'Double' && t !== 'Decimal128';
}

function isExactType(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'boolean' || (v instanceof Date && !Number.isNaN(v.getTime()));
}

function pointCond(points: unknown[]): FieldCond {
  return { points, exact: points.every(isExactType) };
}

function fieldConds(v: unknown): { conds: FieldCond[]; complete: boolean } {
  if (isPlainObject(v)) {
    const keys = Object.keys(v);
    if (keys.length === 0 || !keys.every((k) => k.startsWith('$'))) return { conds: [], complete: false };
    const conds: FieldCond[] = [];
    let complete = true;
    for (const op of keys) {
      const x: unknown = v[op];
      if (op === '$eq' && isBoundValue(x)) conds.push(pointCond([x]));
      else if (op === '$in' && Array.isArray(x) && x.every(isBoundValue)) conds.push(pointCond(x as unknown[]));
      else if ((op === '$gt' || op === '$gte') && isRangeValue(x)) {
        conds.push({ lo: { value: x, inclusive: op === '$gte' }, exact: false });
        complete = false;
      } else if ((op === '$lt' || op === '$lte') && isRangeValue(x)) {
        conds.push({ hi: { value: x, inclusive: op === '$lte' }, exact: false });
        complete = false;
      } else complete = false;
    }
    return { conds, complete: complete && conds.every((c) => c.exact) };
  }
  if (!isBoundValue(v)) return { conds: [], complete: false };
  const c = pointCond([v]);
  return { conds: [c], complete: c.exact };
}

function withinBounds(v: unknown, lo: Bound | undefined, hi: Bound | undefined): boolean {
  if (lo) {
    const c = compareKeyValues(v, lo.value);
    if (c < 0 || (c === 0 && !lo.inclusive)) return false;
  }
  if (hi) {
    const c = compareKeyValues(v, hi.value);
    if (c > 0 || (c === 0 && !hi.inclusive)) return false;
  }
  return true;
}

/** Tightest of two lower (sign 1) or upper (sign -1) bounds. */
function tighter(a: Bound | undefined, b: Bound | undefined, sign: number): Bound | undefined {
  if (!a) return b;
  if (!b) return a;
  const c = compareKeyValues(a.value, b.value) * sign;
  if (c !== 0) return c > 0 ? a : b;
  return a.inclusive ? b : a;
}

function planIndex(
  index: OrderedIndex,
  analysis: Analysis,
  sort: SortFields | undefined,
): { path: IxscanPath; score: number[] } | undefined {
  if (index.partial) return undefined;
  const multikey = index.multikey;
  const fields = index.fields;
  const prefix: unknown[][] = [];
  let lo: Bound | undefined;
  let hi: Bound | undefined;
  let product = 1;
  for (let i = 0; i < fields.length; i++) {
    const conds = analysis.fields.get(fields[i]);
    if (!conds) break;
    let first: FieldCond | undefined;
    for (const c of conds) {
      if (c.points) {
        first = c;
        break;
      }
    }
    if (first) {
      let pts = first.points ?? [];
      if (!multikey) {
        for (const c of conds) {
          if (c === first) continue;
          const other = c.points;
          if (other) pts = pts.filter((p) => other.some((q) => compareKeyValues(p, q) === 0));
          else pts = pts.filter((p) => withinBounds(p, c.lo, c.hi));
        }
      }
      let unique = pts;
      if (pts.length > 1) {
        const dir = index.directions[i];
        const sorted = [...pts].sort((a, b) => compareKeyValues(a, b) * dir);
        unique = [];
        for (const p of sorted)
          if (!unique.length || compareKeyValues(unique[unique.length - 1], p) !== 0) unique.push(p);
      }
      if (product * Math.max(1, unique.length) > MAX_INTERVALS) break;
      product *= Math.max(1, unique.length);
      prefix.push(unique);
      continue;
    }
    if (!multikey) {
      for (const c of conds) {
        lo = tighter(lo, c.lo, 1);
        hi = tighter(hi, c.hi, -1);
      }
    }
    break;
  }
  const hasRange = lo !== undefined || hi !== undefined;

  // Which sort (if any) the walk follows: the sort fields not pinned to one value by the leading
  // equalities must continue the index, all in its direction or all reversed.
  let e = 0;
  while (e < prefix.length && prefix[e].length === 1) e++;
  let served = true;
  let direction: 1 | -1 = 1;
  if (sort && sort.length) {
    let j = 0;
    for (const [p, d] of sort) {
      const at = fields.indexOf(p);
      if (at >= 0 && at < e) continue;
      const k = e + j;
      if (multikey || fields[k] !== p) {
        served = false;
        break;
      }
      const s = d * index.directions[k];
      if (j === 0) direction = s > 0 ? 1 : -1;
      else if (s !== direction) {
        served = false;
        break;
      }
      j++;
    }
  }
  const bounded = prefix.length > 0 || hasRange;
  if (!bounded && (index.sparse || !(sort && sort.length && served))) return undefined;

  let intervals: Interval[];
  if (product === 1 && prefix.every((p) => p.length === 1)) {
    const iv: Interval = { points: prefix.map((p) => p[0]) };
    if (lo) iv.lo = lo;
    if (hi) iv.hi = hi;
    intervals = [iv];
  } else {
    intervals = [];
    buildIntervals(prefix, 0, [], lo, hi, intervals);
  }

  let exact = !analysis.residual && !multikey && !hasRange;
  if (exact) {
    for (const [f, conds] of analysis.fields) {
      const at = fields.indexOf(f);
      if (at < 0 || at >= prefix.length || !conds.every((c) => c.points && c.exact)) {
        exact = false;
        break;
      }
    }
  }
  const uniqueHit = index.unique && e === fields.length ? 1 : 0;
  const score = [uniqueHit, prefix.length, hasRange ? 1 : 0, sort && sort.length && served ? 1 : 0, -fields.length];
  return { path: { stage: 'IXSCAN', index, intervals, direction, sortServed: served, exact }, score };
}

/** The cross product of the prefix points, in index order. */
function buildIntervals(
  prefix: unknown[][],
  i: number,
  acc: unknown[],
  lo: Bound | undefined,
  hi: Bound | undefined,
  out: Interval[],
): void {
  if (i === prefix.length) {
    const iv: Interval = { points: acc };
    if (lo) iv.lo = lo;
    if (hi) iv.hi = hi;
    out.push(iv);
    return;
  }
  for (const p of prefix[i]) buildIntervals(prefix, i + 1, [...acc, p], lo, hi, out);
}

/** The documents a path yields, in its order (a superset of the matches unless the path is exact). */
export function* executePath(coll: Plannable, path: AccessPath): Generator<Doc> {
  switch (path.stage) {
    case 'IDHACK': {
      const seen = new Set<string>();
      for (const v of path.ids) {
        const k = canonicalKey(v);
        if (seen.has(k)) continue;
        seen.add(k);
        const d = coll.docs.get(k);
        if (d) yield d;
      }
      return;
    }
    case 'IXSCAN': {
      const seen = path.index.multikey ? new Set<string>() : undefined;
      for (const slot of path.index.scan(path.intervals, path.direction)) {
        if (seen) {
          if (seen.has(slot.id)) continue;
          seen.add(slot.id);
        }
        const d = coll.docs.get(slot.id);
        if (d) yield d;
      }
      return;
    }
    case 'COLLSCAN':
      yield* coll.docs.values();
  }
}

/** The values of `{ field: { $in: [scalars] } }`, if the filter has exactly that on `field`. */
function inValues(filter: Doc, field: string): unknown[] | undefined {
  const v: unknown = filter[field];
  if (!isPlainObject(v) || Object.keys(v).length !== 1 || !Array.isArray(v.$in)) return undefined;
  const values = v.$in as unknown[];
  return values.every(isScalar) ? values : undefined;
}

function isScalar(v: unknown): boolean {
  return v !== null && v !== undefined && !Array.isArray(v) && !isPlainObject(v) && !(v instanceof RegExp);
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
