/** find, getMore, killCursors, aggregate, count, distinct. */
import { Aggregator } from 'mingo';
import type { Doc } from '../compare.js';
import { canonicalKey, cloneDoc, isPlainObject, valuesAtPath } from '../compare.js';
import { MongoCommandError } from '../errors.js';
import { aggregationOptions } from '../mingo-options.js';
import { asDoc, compileFilter, findDocs, project } from '../query.js';
import type { CommandHandler } from './context.js';
import { collectionName, optionalNumber } from './context.js';

const find: CommandHandler = (cmd, ctx) => {
  const name = collectionName(cmd, 'find');
  const coll = ctx.engine.getCollection(ctx.db, name);
  const limit = optionalNumber(cmd.limit) ?? 0;
  const skip = optionalNumber(cmd.skip) ?? 0;
  if (skip < 0) throw new MongoCommandError('BadValue', 'skip value must be non-negative');
  const docs = findDocs(coll, {
    filter: asDoc(cmd.filter, 'filter'),
    sort: asDoc(cmd.sort, 'sort'),
    skip,
    limit,
  });
  const projected = project(docs, asDoc(cmd.projection, 'projection'));
  const singleBatch = cmd.singleBatch === true || limit < 0;
  let batchSize = optionalNumber(cmd.batchSize);
  if (batchSize !== undefined && batchSize < 0) throw new MongoCommandError('BadValue', 'batchSize must be non-negative');
  if (singleBatch && limit !== 0) batchSize = Math.abs(limit);
  return ctx.cursors.open(`${ctx.db}.${name}`, projected, batchSize, singleBatch);
};

const getMore: CommandHandler = (cmd, ctx) => ctx.cursors.getMore(cmd.getMore, optionalNumber(cmd.batchSize));

const killCursors: CommandHandler = (cmd, ctx) => {
  const ids: unknown = cmd.cursors;
  if (!Array.isArray(ids)) throw new MongoCommandError('BadValue', 'cursors must be an array');
  const { killed, notFound } = ctx.cursors.kill(ids);
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
};

/** Stages that never change their input documents, so they can run on the stored objects. */
const READ_ONLY_STAGES = new Set(['$match', '$skip', '$limit', '$sort', '$count', '$group', '$project', '$sortByCount']);

const aggregate: CommandHandler = (cmd, ctx) => {
  const target: unknown = cmd.aggregate;
  const pipeline: unknown = cmd.pipeline;
  if (!Array.isArray(pipeline) || !pipeline.every(isPlainObject)) {
    throw new MongoCommandError('FailedToParse', "'pipeline' option must be specified as an array");
  }
  if (!isPlainObject(cmd.cursor) && cmd.explain !== true) {
    throw new MongoCommandError('FailedToParse', "The 'cursor' option is required, except for aggregate with the explain argument");
  }
  for (const stage of pipeline) {
    const op = Object.keys(stage)[0];
    if (op === '$out' || op === '$merge') throw new MongoCommandError('NotImplemented', `${op} is not supported by the embedded server`);
  }
  let input: Doc[] = [];
  let stages = pipeline as Doc[];
  let ns = `${ctx.db}.$cmd.aggregate`;
  if (typeof target === 'string') {
    ns = `${ctx.db}.${target}`;
    const coll = ctx.engine.getCollection(ctx.db, target);
    // A leading $match uses the collection's access paths (direct _id / index equality lookups).
    const first = stages[0];
    if (first && isPlainObject(first.$match)) {
      input = findDocs(coll, { filter: first.$match });
      stages = stages.slice(1);
    } else {
      input = coll ? [...coll.docs.values()] : [];
    }
    if (!stages.every((s) => READ_ONLY_STAGES.has(Object.keys(s)[0]))) input = input.map((d) => cloneDoc(d));
  } else if (target !== 1) {
    throw new MongoCommandError('BadValue', 'aggregate target must be a collection name or 1');
  }
  let out: Doc[];
  try {
    const resolve = (from: string): Doc[] => [...(ctx.engine.getCollection(ctx.db, from)?.docs.values() ?? [])];
    out = stages.length ? (new Aggregator(stages, aggregationOptions(resolve)).run(input) as Doc[]) : input;
  } catch (e) {
    throw new MongoCommandError('BadValue', e instanceof Error ? e.message : String(e));
  }
  const cursorOpts = (cmd.cursor ?? {}) as Doc;
  return ctx.cursors.open(ns, out, optionalNumber(cursorOpts.batchSize));
};

const count: CommandHandler = (cmd, ctx) => {
  const name = collectionName(cmd, 'count');
  const coll = ctx.engine.getCollection(ctx.db, name);
  const query = asDoc(cmd.query, 'query');
  let n: number;
  const skip = optionalNumber(cmd.skip) ?? 0;
  const limit = Math.abs(optionalNumber(cmd.limit) ?? 0);
  if (!coll) n = 0;
  else if (!query || Object.keys(query).length === 0) n = coll.docs.size;
  else n = findDocs(coll, { filter: query }).length;
  n = Math.max(0, n - skip);
  if (limit > 0) n = Math.min(n, limit);
  return { n, ok: 1 };
};

const distinct: CommandHandler = (cmd, ctx) => {
  const name = collectionName(cmd, 'distinct');
  const key: unknown = cmd.key;
  if (typeof key !== 'string' || !key) throw new MongoCommandError('FailedToParse', "'key' must be a string");
  const coll = ctx.engine.getCollection(ctx.db, name);
  const docs = findDocs(coll, { filter: asDoc(cmd.query, 'query') });
  const seen = new Set<string>();
  const values: unknown[] = [];
  for (const d of docs) {
    for (const v of valuesAtPath(d, key)) {
      const flat = Array.isArray(v) ? v : [v];
      for (const x of flat) {
        if (x === undefined) continue;
        const k = canonicalKey(x);
        if (seen.has(k)) continue;
        seen.add(k);
        values.push(x);
      }
    }
  }
  return { values, ok: 1 };
};

export const readCommands: Record<string, CommandHandler> = {
  find,
  getMore,
  killCursors,
  aggregate,
  count,
  distinct,
};

export { compileFilter };
