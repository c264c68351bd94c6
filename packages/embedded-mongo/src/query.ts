/**
 * Query execution on top of a collection's access paths: filter (mingo), sort (BSON order),
 * skip/limit, projection (mingo).
 */
import { Query } from 'mingo';
import type { Doc } from './compare.ts';
import { compareValues, isPlainObject, valuesAtPath } from './compare.ts';
import { MongoCommandError } from './errors.ts';
import { BASE_OPTIONS } from './mingo-options.ts';
import type { Collection } from './storage/collection.ts';
import type { Deadline } from './limits.ts';
import { executePath, planQuery } from './storage/planner.ts';
import type { AccessPath, SortFields } from './storage/planner.ts';

export type Matcher = (doc: Doc) => boolean;

export function compileFilter(filter: unknown): Matcher {
  if (filter === undefined || filter === null) return () => true;
  if (!isPlainObject(filter)) throw new MongoCommandError('BadValue', 'filter must be an object');
  if (Object.keys(filter).length === 0) return () => true;
  let q: Query;
  try {
    q = new Query(filter, BASE_OPTIONS);
  } catch (e) {
    throw new MongoCommandError('BadValue', e instanceof Error ? e.message : String(e));
  }
  return (doc) => q.test(doc);
}

/** Throws BadValue for a filter that cannot be compiled (compiling it only when that is possible). */
export function checkFilter(filter: unknown): void {
  if (isPlainObject(filter) && isPlainEquality(filter)) return;
  compileFilter(filter);
}

const PLAIN_PATH = /^[\w-]+(\.[\w-]+)*$/;

/** `{ a: 'x', 'b.c': 2 }`: field paths each equal to a string, number, boolean, null or Date. */
function isPlainEquality(filter: Doc): boolean {
  for (const key of Object.keys(filter)) {
    const v: unknown = filter[key];
    const scalar = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
    if (!(scalar || v === null || v instanceof Date) || !PLAIN_PATH.test(key)) return false;
  }
  return true;
}

export function asDoc(v: unknown, what: string): Doc | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isPlainObject(v)) throw new MongoCommandError('BadValue', `${what} must be an object`);
  return v;
}

/** The value a document sorts by on `path` in direction `dir` (smallest / largest array element). */
export function sortKey(doc: Doc, path: string, dir: number): unknown {
  const vals = valuesAtPath(doc, path).flatMap((v) => (Array.isArray(v) ? (v.length ? v : [undefined]) : [v]));
  let best = vals[0];
  for (const v of vals) if (compareValues(v, best) * dir < 0) best = v;
  return best;
}

/** Sorts in place by a MongoDB sort spec (stable, BSON comparison order). */
export function sortDocs(docs: Doc[], sort: Doc | undefined): Doc[] {
  if (!sort) return docs;
  if (Object.prototype.hasOwnProperty.call(sort, '$natural')) {
    // Natural order is insertion order; -1 walks it backwards.
    return Number(sort.$natural) === -1 ? docs.reverse() : docs;
  }
  const fields = Object.entries(sort).map(([path, d]): [string, number] => {
    const dir = Number(d);
    if (dir !== 1 && dir !== -1) throw new MongoCommandError('BadValue', `bad sort specification for ${path}`);
    return [path, dir];
  });
  if (fields.length === 0) return docs;
  const keyed = docs.map((doc) => ({ doc, keys: fields.map(([p, dir]) => sortKey(doc, p, dir)) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < fields.length; i++) {
      const c = compareValues(a.keys[i], b.keys[i]);
      if (c !== 0) return c * fields[i][1];
    }
    return 0;
  });
  return keyed.map((k) => k.doc);
}

export function project(docs: Doc[], projection: Doc | undefined): Doc[] {
  if (!projection || Object.keys(projection).length === 0) return docs;
  const topLevel = topLevelProjection(projection);
  if (topLevel) return docs.map(topLevel);
  try {
    return new Query({}, BASE_OPTIONS).find(docs, projection).all() as Doc[];
  } catch (e) {
    throw new MongoCommandError('BadValue', e instanceof Error ? e.message : String(e));
  }
}

const isFlag = (v: unknown) => v === 0 || v === 1 || v === true || v === false;

/**
 * A projection that only keeps or only drops top-level fields (`{ _id: 0, lookup: 0 }`, `{ name: 1 }`)
 * applied directly, in the document's field order as MongoDB does — mingo's general projection costs
 * a list page more than finding it. Anything else (paths, operators, a mix) is mingo's: undefined.
 */
function topLevelProjection(projection: Doc): ((doc: Doc) => Doc) | undefined {
  const entries = Object.entries(projection);
  if (!entries.every(([field, flag]) => isFlag(flag) && !field.includes('.') && !field.startsWith('$')))
    return undefined;
  const others = entries.filter(([field]) => field !== '_id');
  const idKept = !('_id' in projection) || Boolean(projection._id);
  const including = others.length === 0 ? idKept && '_id' in projection : others.every(([, flag]) => Boolean(flag));
  if (!including && others.some(([, flag]) => Boolean(flag))) return undefined;
  const listed = new Set(others.map(([field]) => field));
  const keep = including
    ? (field: string) => listed.has(field) || (field === '_id' && idKept)
    : (field: string) => !listed.has(field) && (field !== '_id' || idKept);
  return (doc) => {
    const out: Doc = {};
    for (const field of Object.keys(doc)) if (keep(field)) out[field] = doc[field];
    return out;
  };
}

export interface FindOptions {
  filter?: Doc;
  sort?: Doc;
  skip?: number;
  /** 0 or undefined = no limit. */
  limit?: number;
  /** The command's maxTimeMS, checked as documents are examined. */
  deadline?: Deadline;
}

/** What an execution looked at (for `explain`'s executionStats). */
export interface ExecStats {
  keysExamined: number;
  docsExamined: number;
}

/** The fields of a sort spec (throws BadValue on a bad direction); undefined for none or `$natural`. */
export function sortFields(sort: Doc | undefined): SortFields | undefined {
  if (!sort || Object.keys(sort).length === 0) return undefined;
  if (Object.prototype.hasOwnProperty.call(sort, '$natural')) return undefined;
  return Object.entries(sort).map(([path, d]): [string, 1 | -1] => {
    const dir = Number(d);
    if (dir !== 1 && dir !== -1) throw new MongoCommandError('BadValue', `bad sort specification for ${path}`);
    return [path, dir];
  });
}

/** The access path `findDocs` uses for these options. */
export function planFind(coll: Collection, opts: FindOptions): AccessPath {
  const filter = opts.filter ?? {};
  const hasSort = !!opts.sort && Object.keys(opts.sort).length > 0;
  // Natural order is insertion order: only a scan (or direct _id lookups) walks it.
  if (hasSort && Object.prototype.hasOwnProperty.call(opts.sort, '$natural')) {
    const p = planQuery(coll, filter);
    return p.stage === 'IDHACK' ? p : { stage: 'COLLSCAN' };
  }
  return planQuery(coll, filter, sortFields(opts.sort));
}

/** Matching documents (the stored objects, not copies), sorted, skipped and limited. */
export function findDocs(coll: Collection | undefined, opts: FindOptions, stats?: ExecStats): Doc[] {
  if (!coll) return [];
  const filter = opts.filter ?? {};
  const skip = Math.max(0, opts.skip ?? 0);
  const limit = Math.abs(opts.limit ?? 0);
  const hasSort = !!opts.sort && Object.keys(opts.sort).length > 0;
  sortFields(opts.sort);
  const path = planFind(coll, opts);
  // `{ _id: <scalar> }` is answered exactly by the direct lookup, and an exact index path holds
  // exactly the matches: no need to run the matcher.
  const exact = (path.stage === 'IXSCAN' && path.exact) || isPureIdEquality(filter);
  const match = exact ? () => true : compileFilter(filter);
  const deadline = opts.deadline;
  const out: Doc[] = [];
  if (path.stage === 'IXSCAN' && path.sortServed) {
    // The walk is in the requested order: stop after skip + limit matches.
    let matched = 0;
    const seen = path.index.multikey ? new Set<string>() : undefined;
    for (const slot of path.index.scan(path.intervals, path.direction)) {
      if (stats) stats.keysExamined++;
      deadline?.tick();
      if (seen) {
        if (seen.has(slot.id)) continue;
        seen.add(slot.id);
      }
      const doc = coll.docs.get(slot.id);
      if (!doc) continue;
      if (stats) stats.docsExamined++;
      if (!match(doc)) continue;
      if (matched++ < skip) continue;
      out.push(doc);
      if (limit > 0 && out.length >= limit) break;
    }
    return out;
  }
  // Without a sort we can stop as soon as skip + limit documents matched.
  const stopAt = !hasSort && limit > 0 ? skip + limit : Infinity;
  for (const doc of executePath(coll, path)) {
    deadline?.tick();
    if (stats) {
      stats.docsExamined++;
      if (path.stage === 'IXSCAN') stats.keysExamined++;
    }
    if (match(doc)) {
      out.push(doc);
      if (out.length >= stopAt) break;
    }
  }
  deadline?.check();
  const sorted = hasSort ? sortDocs(out, opts.sort) : out;
  const end = limit > 0 ? skip + limit : undefined;
  return skip || end !== undefined ? sorted.slice(skip, end) : sorted;
}

/**
 * The number of documents matching `filter`. An exact index path is counted from index positions
 * without touching a document; anything else runs the query.
 */
export function countDocs(
  coll: Collection | undefined,
  filter: Doc | undefined,
  stats?: ExecStats,
  deadline?: Deadline,
): number {
  if (!coll) return 0;
  if (!filter || Object.keys(filter).length === 0) return coll.docs.size;
  const path = planQuery(coll, filter);
  if (path.stage === 'IXSCAN' && path.exact) return path.index.countIntervals(path.intervals);
  return findDocs(coll, { filter, deadline }, stats).length;
}

function isPureIdEquality(filter: Doc): boolean {
  const keys = Object.keys(filter);
  if (keys.length !== 1 || keys[0] !== '_id') return false;
  const v: unknown = filter._id;
  return v !== null && v !== undefined && !Array.isArray(v) && !isPlainObject(v) && !(v instanceof RegExp);
}
