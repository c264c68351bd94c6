/**
 * Update semantics: replacement, operator and pipeline updates (operators via mingo, `$setOnInsert`
 * by us), `_id` immutability, and building an upsert's document from the filter's equalities.
 */
import { Aggregator, update as mingoUpdate } from 'mingo';
import { ObjectId } from 'bson';
import type { Doc } from './compare.ts';
import { canonicalKey, cloneDoc, isPlainObject, setPath } from './compare.ts';
import { MongoCommandError } from './errors.ts';
import { BASE_OPTIONS } from './mingo-options.ts';
import { evaluateSimplePipeline, UNSUPPORTED } from './simple-pipeline.ts';

export type UpdateSpec = Doc | Doc[];

const IMMUTABLE_ID = "Performing an update on the path '_id' would modify the immutable field '_id'";

export function validateUpdate(u: unknown): UpdateSpec {
  if (Array.isArray(u)) {
    if (!u.every(isPlainObject)) throw new MongoCommandError('FailedToParse', 'pipeline stages must be objects');
    return u;
  }
  if (!isPlainObject(u)) throw new MongoCommandError('FailedToParse', 'update must be an object or a pipeline');
  return u;
}

export function isOperatorUpdate(u: UpdateSpec): boolean {
  if (Array.isArray(u)) return false;
  const keys = Object.keys(u);
  return keys.length > 0 && keys[0].startsWith('$');
}

function checkReplacement(u: Doc): void {
  for (const k of Object.keys(u)) {
    if (k.startsWith('$'))
      throw new MongoCommandError(
        'BadValue',
        `The dollar ($) prefixed field '${k}' in '${k}' is not allowed in the context of an update's replacement document.`,
      );
  }
}

function applyOperators(doc: Doc, u: Doc, arrayFilters: Doc[] | undefined, filter: Doc, insert: boolean): void {
  const { $setOnInsert, ...rest } = u;
  // `$set: { _id: <same value> }` is allowed by MongoDB (mingo refuses any write to _id).
  if (isPlainObject(rest.$set) && Object.prototype.hasOwnProperty.call(rest.$set, '_id') && doc._id !== undefined) {
    const { _id, ...others } = rest.$set;
    if (canonicalKey(_id) !== canonicalKey(doc._id)) throw new MongoCommandError('ImmutableField', IMMUTABLE_ID);
    rest.$set = others;
  }
  for (const k of Object.keys(rest)) {
    if (!k.startsWith('$'))
      throw new MongoCommandError(
        'FailedToParse',
        `Unknown modifier: ${k}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
  }
  try {
    if (Object.keys(rest).length)
      mingoUpdate(doc, rest, arrayFilters, filter, { cloneMode: 'deep', queryOptions: BASE_OPTIONS });
    if (insert && isPlainObject($setOnInsert))
      mingoUpdate(doc, { $set: $setOnInsert }, arrayFilters, filter, { cloneMode: 'deep', queryOptions: BASE_OPTIONS });
  } catch (e) {
    if (e instanceof MongoCommandError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    if (/immutable field '_id'/.test(message)) throw new MongoCommandError('ImmutableField', message);
    throw new MongoCommandError('BadValue', message);
  }
}

function applyPipeline(doc: Doc, pipeline: Doc[]): Doc {
  const simple = evaluateSimplePipeline(doc, pipeline);
  if (simple !== UNSUPPORTED) return simple;
  try {
    const out = new Aggregator(pipeline, BASE_OPTIONS).run([doc]);
    return (out[0] as Doc | undefined) ?? doc;
  } catch (e) {
    throw new MongoCommandError('BadValue', e instanceof Error ? e.message : String(e));
  }
}

/** The updated version of an existing document (the original is left untouched). */
export function applyUpdate(original: Doc, u: UpdateSpec, arrayFilters: Doc[] | undefined, filter: Doc): Doc {
  let next: Doc;
  if (Array.isArray(u)) {
    next = applyPipeline(cloneDoc(original), u);
  } else if (isOperatorUpdate(u)) {
    next = cloneDoc(original);
    applyOperators(next, u as Doc, arrayFilters, filter, false);
  } else {
    checkReplacement(u);
    const { _id, ...fields } = u;
    if (_id !== undefined && canonicalKey(_id) !== canonicalKey(original._id)) {
      throw new MongoCommandError(
        'ImmutableField',
        `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${String(_id)}`,
      );
    }
    next = { _id: original._id, ...cloneDoc(fields) };
  }
  if (canonicalKey(next._id) !== canonicalKey(original._id))
    throw new MongoCommandError('ImmutableField', IMMUTABLE_ID);
  if (!Object.prototype.hasOwnProperty.call(next, '_id')) next = { _id: original._id, ...next };
  return next;
}

/** Equality fields of a filter as a document (`$and` and `$eq` included, dotted paths expanded). */
export function equalityFields(filter: Doc, into: Doc = {}): Doc {
  for (const [k, v] of Object.entries(filter)) {
    if (k === '$and' && Array.isArray(v)) {
      for (const clause of v) if (isPlainObject(clause)) equalityFields(clause, into);
      continue;
    }
    if (k.startsWith('$')) continue;
    if (v instanceof RegExp) continue;
    if (isPlainObject(v)) {
      const keys = Object.keys(v);
      if (keys.length > 0 && keys.every((x) => x.startsWith('$'))) {
        if (Object.prototype.hasOwnProperty.call(v, '$eq')) setPath(into, k, cloneDoc(v.$eq));
        continue;
      }
    }
    setPath(into, k, cloneDoc(v));
  }
  return into;
}

/** The document an upsert inserts when nothing matched (`_id` first). */
export function buildUpsertDocument(filter: Doc, u: UpdateSpec, arrayFilters: Doc[] | undefined): Doc {
  const base = equalityFields(filter);
  let doc: Doc;
  if (Array.isArray(u)) {
    doc = applyPipeline(base, u);
  } else if (isOperatorUpdate(u)) {
    doc = base;
    applyOperators(doc, u as Doc, arrayFilters, {}, true);
    if (base._id !== undefined && canonicalKey(doc._id) !== canonicalKey(base._id)) {
      throw new MongoCommandError('ImmutableField', IMMUTABLE_ID);
    }
  } else {
    checkReplacement(u);
    const { _id, ...fields } = u;
    if (_id !== undefined && base._id !== undefined && canonicalKey(_id) !== canonicalKey(base._id)) {
      throw new MongoCommandError('ImmutableField', IMMUTABLE_ID);
    }
    doc = { _id: _id ?? base._id, ...cloneDoc(fields) };
    if (doc._id === undefined) delete doc._id;
  }
  const { _id, ...rest } = doc;
  return { _id: _id === undefined ? new ObjectId() : _id, ...rest };
}
