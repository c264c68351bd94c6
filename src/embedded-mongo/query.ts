/**
 * Query execution on top of a collection's access paths: filter (mingo), sort (BSON order),
 * skip/limit, projection (mingo).
 */
import { Query } from 'mingo';
import type { Doc } from './compare.js';
import { compareValues, isPlainObject, valuesAtPath } from './compare.js';
import { MongoCommandError } from './errors.js';
import { BASE_OPTIONS } from './mingo-options.js';
import type { Collection } from './storage/collection.js';

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

export function asDoc(v: unknown, what: string): Doc | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isPlainObject(v)) throw new MongoCommandError('BadValue', `${what} must be an object`);
  return v;
}

function sortKey(doc: Doc, path: string, dir: number): unknown {
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
  try {
    return new Query({}, BASE_OPTIONS).find(docs, projection).all() as Doc[];
  } catch (e) {
    throw new MongoCommandError('BadValue', e instanceof Error ? e.message : String(e));
  }
}

export interface FindOptions {
  filter?: Doc;
  sort?: Doc;
  skip?: number;
  /** 0 or undefined = no limit. */
  limit?: number;
}

/** Matching documents (the stored objects, not copies), sorted, skipped and limited. */
export function findDocs(coll: Collection | undefined, opts: FindOptions): Doc[] {
  if (!coll) return [];
  const filter = opts.filter ?? {};
  // `{ _id: <scalar> }` is answered exactly by the direct lookup: no need to run the matcher.
  const match = isPureIdEquality(filter) ? () => true : compileFilter(filter);
  const skip = Math.max(0, opts.skip ?? 0);
  const limit = Math.abs(opts.limit ?? 0);
  const hasSort = !!opts.sort && Object.keys(opts.sort).length > 0;
  const out: Doc[] = [];
  // Without a sort we can stop as soon as skip + limit documents matched.
  const stopAt = !hasSort && limit > 0 ? skip + limit : Infinity;
  for (const doc of coll.candidates(filter)) {
    if (match(doc)) {
      out.push(doc);
      if (out.length >= stopAt) break;
    }
  }
  const sorted = hasSort ? sortDocs(out, opts.sort) : out;
  const end = limit > 0 ? skip + limit : undefined;
  return skip || end !== undefined ? sorted.slice(skip, end) : sorted;
}

function isPureIdEquality(filter: Doc): boolean {
  const keys = Object.keys(filter);
  if (keys.length !== 1 || keys[0] !== '_id') return false;
  const v: unknown = filter._id;
  return v !== null && v !== undefined && !Array.isArray(v) && !isPlainObject(v) && !(v instanceof RegExp);
}
