/**
 * Secondary indexes, ordered. Each index turns a document into zero or more keys (one value per
 * indexed field; several keys when a field holds an array: multikey) and keeps `(key, seq, id)`
 * entries in a `SortedList`, ordered by the key in MongoDB's BSON comparison order (numbers by value,
 * each field in its own direction) and then by the document's insertion sequence, so non-unique keys
 * and descending fields need nothing special. The planner reads it through `seekInterval`/`scan`
 * (range walks either way) and `countIntervals` (a count from positions, no document touched).
 */
import { Query } from 'mingo';
import { canonicalKey, compareValues, isPlainObject, renderValue } from '../compare.ts';
import type { Doc } from '../compare.ts';
import { MongoCommandError } from '../errors.ts';
import { BASE_OPTIONS } from '../mingo-options.ts';
import { SortedList } from './sorted-list.ts';
import type { Pos } from './sorted-list.ts';

export interface IndexSpec {
  v?: number;
  key: Record<string, number | string>;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Doc;
  [option: string]: unknown;
}

/** The keys a document contributes to one index (one value per field each). */
export interface IndexKeys {
  keys: unknown[][];
  /** Whether an array was met on one of the indexed paths. */
  multikey: boolean;
}

/** One index entry. */
export interface Slot {
  vals: unknown[];
  /** The document's insertion sequence (orders equal keys as natural order does). */
  seq: number;
  /** The document's canonical `_id` key (`Collection.docs` key). */
  id: string;
}

export interface Bound {
  value: unknown;
  inclusive: boolean;
}

/**
 * A contiguous run of the index: the leading fields pinned to `points` (one value per field), then
 * optionally a range on the next field; later fields are unconstrained.
 */
export interface Interval {
  points: unknown[];
  lo?: Bound;
  hi?: Bound;
}

/** Canonical key for a tuple of values, one per indexed field. */
export function tupleKey(values: unknown[]): string {
  return values.length === 1 ? canonicalKey(values[0]) : values.map(canonicalKey).join('\u0001');
}

export function defaultIndexName(key: Record<string, unknown>): string {
  return Object.entries(key)
    .map(([k, v]) => `${k}_${String(v)}`)
    .join('_');
}

/** `compareValues` with fast paths for the common key types. */
export function compareKeyValues(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return a === b ? 0 : a < b ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number' && a === a && b === b) return a < b ? -1 : a > b ? 1 : 0;
  if (a instanceof Date && b instanceof Date) {
    const x = a.getTime();
    const y = b.getTime();
    if (x === x && y === y) return x < y ? -1 : x > y ? 1 : 0;
  }
  return compareValues(a, b);
}

/**
 * The value at a dotted path when no array is on the way (the common case, without allocation);
 * `ARRAY` when an array is met, so that the caller takes the general path.
 */
const ARRAY = Symbol('array');
function simpleValue(doc: Doc, parts: readonly string[]): unknown {
  let v: unknown = doc;
  for (let i = 0; i < parts.length; i++) {
    if (Array.isArray(v)) return ARRAY;
    if (!isPlainObject(v)) return undefined;
    v = v[parts[i]];
  }
  return Array.isArray(v) ? ARRAY : v;
}

/** The values an index takes from a path (array elements spread; `[]` is undefined). */
function arrayValues(doc: Doc, parts: readonly string[]): unknown[] {
  const values: unknown[] = [];
  walkValues(doc, parts, 0, values);
  if (values.length === 0) values.push(undefined);
  return values;
}

function walkValues(v: unknown, parts: readonly string[], i: number, values: unknown[]): void {
  if (Array.isArray(v)) {
    if (i === parts.length) {
      if (v.length === 0) values.push(undefined);
      else values.push(...(v as unknown[]));
      return;
    }
    const idx = /^\d+$/.test(parts[i]) ? Number(parts[i]) : -1;
    if (idx >= 0) {
      walkValues(v[idx], parts, i + 1, values);
      return;
    }
    if (v.length === 0) {
      values.push(undefined);
      return;
    }
    for (const el of v) walkValues(isPlainObject(el) || Array.isArray(el) ? el : undefined, parts, i, values);
    return;
  }
  if (i === parts.length) {
    values.push(v);
    return;
  }
  if (isPlainObject(v)) {
    walkValues(v[parts[i]], parts, i + 1, values);
    return;
  }
  values.push(undefined);
}

const NO_KEYS: IndexKeys = { keys: [], multikey: false };

/**
 * Whether two documents' keys for one index are the same values of the same types (not merely equal in
 * index order: an int and a Long of one value differ), so that the stored entries can stay as they are.
 */
export function sameKeys(a: IndexKeys, b: IndexKeys): boolean {
  if (a.multikey !== b.multikey || a.keys.length !== b.keys.length) return false;
  for (let k = 0; k < a.keys.length; k++) {
    const x = a.keys[k];
    const y = b.keys[k];
    for (let i = 0; i < x.length; i++) if (!sameKeyValue(x[i], y[i])) return false;
  }
  return true;
}

function sameKeyValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
}

export class OrderedIndex {
  readonly fields: readonly string[];
  /** +1 / -1 per field. */
  readonly directions: readonly number[];
  readonly unique: boolean;
  readonly sparse: boolean;
  readonly partial: boolean;
  /** Set once any document had an array on an indexed path (never reset until a rebuild). */
  multikey = false;
  /** Each field's path, split on dots. */
  private readonly paths: readonly string[][];
  private readonly partialQuery: Query | undefined;
  private readonly list: SortedList<Slot>;

  readonly spec: IndexSpec;

  constructor(spec: IndexSpec) {
    this.spec = spec;
    this.fields = Object.keys(spec.key);
    this.paths = this.fields.map((f) => f.split('.'));
    this.directions = this.fields.map((f) => (spec.key[f] === -1 ? -1 : 1));
    this.unique = spec.unique === true;
    this.sparse = spec.sparse === true;
    this.partial = spec.partialFilterExpression !== undefined;
    this.partialQuery = spec.partialFilterExpression
      ? new Query(spec.partialFilterExpression, BASE_OPTIONS)
      : undefined;
    const dirs = this.directions;
    const n = dirs.length;
    this.list = new SortedList<Slot>((a, b) => {
      for (let i = 0; i < n; i++) {
        const c = compareKeyValues(a.vals[i], b.vals[i]);
        if (c !== 0) return c * dirs[i];
      }
      return a.seq - b.seq;
    });
  }

  get size(): number {
    return this.list.size;
  }

  /** The keys a document contributes (none when sparse/partial exclude it). */
  keysOf(doc: Doc): IndexKeys {
    if (this.partialQuery && !this.partialQuery.test(doc)) return NO_KEYS;
    const n = this.paths.length;
    const key = new Array<unknown>(n);
    let multikey = false;
    let allMissing = true;
    for (let i = 0; i < n; i++) {
      const v = simpleValue(doc, this.paths[i]);
      if (v === ARRAY) {
        multikey = true;
        break;
      }
      if (v !== undefined) allMissing = false;
      key[i] = v;
    }
    if (!multikey) {
      if (this.sparse && allMissing) return NO_KEYS;
      return { keys: [key], multikey: false };
    }
    const perField = this.paths.map((parts) => arrayValues(doc, parts));
    if (this.sparse && perField.every((vals) => vals.every((v) => v === undefined))) return NO_KEYS;
    let combos: unknown[][] = [[]];
    for (const vals of perField) {
      const next: unknown[][] = [];
      for (const c of combos) for (const v of vals) next.push([...c, v]);
      combos = next;
    }
    const seen = new Set<string>();
    const keys: unknown[][] = [];
    for (const values of combos) {
      const k = tupleKey(values);
      if (!seen.has(k)) {
        seen.add(k);
        keys.push(values);
      }
    }
    return { keys, multikey };
  }

  /** For a unique index: the first key of `keys` held by a different document. */
  findConflict(keys: IndexKeys, id: string): unknown[] | undefined {
    if (!this.unique) return undefined;
    for (const vals of keys.keys) {
      const start = this.list.seek((s) => this.compareVals(s.vals, vals) >= 0);
      for (const s of this.list.forward(start, this.list.end())) {
        if (this.compareVals(s.vals, vals) !== 0) break;
        if (s.id !== id) return vals;
      }
    }
    return undefined;
  }

  add(keys: IndexKeys, id: string, seq: number): void {
    if (keys.multikey) this.multikey = true;
    for (const vals of keys.keys) this.list.insert({ vals, seq, id });
  }

  remove(keys: IndexKeys, id: string, seq: number): void {
    for (const vals of keys.keys) this.list.delete({ vals, seq, id });
  }

  /** Rebuilds from scratch (bulk: one sort). */
  rebuild(records: Iterable<{ id: string; seq: number; doc: Doc }>): void {
    const slots: Slot[] = [];
    let multikey = false;
    for (const r of records) {
      const k = this.keysOf(r.doc);
      if (k.multikey) multikey = true;
      for (const vals of k.keys) slots.push({ vals, seq: r.seq, id: r.id });
    }
    this.load(slots, multikey);
  }

  /** Replaces the content by `slots` (any order). */
  load(slots: Slot[], multikey: boolean): void {
    this.multikey = multikey;
    this.list.build(slots);
  }

  clear(): void {
    this.list.clear();
    this.multikey = false;
  }

  /** Where `vals` stands relative to the interval in index order: -1 before, 0 inside, 1 after. */
  private position(vals: unknown[], iv: Interval): number {
    const n = iv.points.length;
    for (let i = 0; i < n; i++) {
      const c = compareKeyValues(vals[i], iv.points[i]);
      if (c !== 0) return c * this.directions[i];
    }
    if (n < this.fields.length && (iv.lo || iv.hi)) {
      const v = vals[n];
      const d = this.directions[n];
      if (iv.lo) {
        const c = compareKeyValues(v, iv.lo.value);
        if (c < 0 || (c === 0 && !iv.lo.inclusive)) return -d;
      }
      if (iv.hi) {
        const c = compareKeyValues(v, iv.hi.value);
        if (c > 0 || (c === 0 && !iv.hi.inclusive)) return d;
      }
    }
    return 0;
  }

  /** The first and past-the-end positions of an interval. */
  seekInterval(iv: Interval): { from: Pos; to: Pos } {
    return {
      from: this.list.seek((s) => this.position(s.vals, iv) >= 0),
      to: this.list.seek((s) => this.position(s.vals, iv) > 0),
    };
  }

  /**
   * The entries of `intervals` (given in index order, disjoint), walked forwards (1) or
   * backwards (-1).
   */
  *scan(intervals: Interval[], direction: 1 | -1): Generator<Slot> {
    const order = direction === 1 ? intervals : [...intervals].reverse();
    for (const iv of order) {
      const { from, to } = this.seekInterval(iv);
      yield* direction === 1 ? this.list.forward(from, to) : this.list.backward(from, to);
    }
  }

  /** The number of entries in `intervals`, from positions only. */
  countIntervals(intervals: Interval[]): number {
    let n = 0;
    for (const iv of intervals) {
      const { from, to } = this.seekInterval(iv);
      n += this.list.rank(to) - this.list.rank(from);
    }
    return n;
  }

  /** Compares two keys in index order (directions applied). */
  compareVals(a: unknown[], b: unknown[]): number {
    for (let i = 0; i < this.directions.length; i++) {
      const c = compareKeyValues(a[i], b[i]);
      if (c !== 0) return c * this.directions[i];
    }
    return 0;
  }

  entries(): Generator<Slot> {
    return this.list.all();
  }
}

/** The E11000 error MongoDB reports for a duplicate key. */
export function duplicateKeyError(ns: string, spec: IndexSpec, values: unknown[]): MongoCommandError {
  const fields = Object.keys(spec.key);
  const keyValue: Doc = {};
  fields.forEach((f, i) => {
    keyValue[f] = values[i] === undefined ? null : values[i];
  });
  const keyPattern: Doc = { ...spec.key };
  const rendered = fields.map((f) => `${f}: ${renderValue(keyValue[f])}`).join(', ');
  return new MongoCommandError(
    'DuplicateKey',
    `E11000 duplicate key error collection: ${ns} index: ${spec.name} dup key: { ${rendered} }`,
    { keyPattern, keyValue },
  );
}
