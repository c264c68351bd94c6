/** find, getMore, killCursors, aggregate, count, distinct. */
import type { Doc } from '../compare.ts';
import { canonicalKey, cloneDoc, isPlainObject, valuesAtPath } from '../compare.ts';
import { MongoCommandError } from '../errors.ts';
import { Deadline } from '../limits.ts';
import { aggregationOptions } from '../mingo-options.ts';
import { runPipeline } from '../pipeline.ts';
import { asDoc, compileFilter, countDocs, findDocs, project } from '../query.ts';
import type { FindOptions } from '../query.ts';
import { isChangeStreamPipeline, openChangeStream } from './change-streams.ts';
import type { CommandHandler } from './context.ts';
import { collectionName, optionalNumber } from './context.ts';

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
    deadline: Deadline.of(cmd, ctx.limits),
  });
  const projected = project(docs, asDoc(cmd.projection, 'projection'));
  const singleBatch = cmd.singleBatch === true || limit < 0;
  let batchSize = optionalNumber(cmd.batchSize);
  if (batchSize !== undefined && batchSize < 0)
    throw new MongoCommandError('BadValue', 'batchSize must be non-negative');
  // As MongoDB: singleBatch closes the cursor after the first batch, which is 101 documents unless
  // batchSize says otherwise. (A negative limit is the legacy way of asking for one batch of that size.)
  if (limit < 0 && batchSize === undefined) batchSize = -limit;
  return ctx.cursors.open(`${ctx.db}.${name}`, projected, batchSize, singleBatch);
};

const getMore: CommandHandler = (cmd, ctx) => {
  const awaitMs = optionalNumber(cmd.maxTimeMS);
  if (awaitMs !== undefined && !(Number.isInteger(awaitMs) && awaitMs >= 0)) {
    throw new MongoCommandError('BadValue', 'maxTimeMS must be a non-negative integer');
  }
  return ctx.cursors.getMore(cmd.getMore, optionalNumber(cmd.batchSize), awaitMs || undefined, ctx.connectionId);
};

const killCursors: CommandHandler = (cmd, ctx) => {
  const ids: unknown = cmd.cursors;
  if (!Array.isArray(ids)) throw new MongoCommandError('BadValue', 'cursors must be an array');
  const { killed, notFound } = ctx.cursors.kill(ids);
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
};

/** Stages that never change their input documents, so they can run on the stored objects. */
const READ_ONLY_STAGES = new Set([
  '$match',
  '$skip',
  '$limit',
  '$sort',
  '$count',
  '$group',
  '$project',
  '$sortByCount',
]);

const aggregate: CommandHandler = (cmd, ctx) => {
  const target: unknown = cmd.aggregate;
  const pipeline: unknown = cmd.pipeline;
  if (!Array.isArray(pipeline) || !pipeline.every(isPlainObject)) {
    throw new MongoCommandError('FailedToParse', "'pipeline' option must be specified as an array");
  }
  if (!isPlainObject(cmd.cursor) && cmd.explain !== true) {
    throw new MongoCommandError(
      'FailedToParse',
      "The 'cursor' option is required, except for aggregate with the explain argument",
    );
  }
  if (isChangeStreamPipeline(pipeline)) return openChangeStream(cmd, pipeline, ctx);
  for (const stage of pipeline) {
    const op = Object.keys(stage)[0];
    if (op === '$changeStream')
      throw new MongoCommandError('Location40602', '$changeStream is only valid as the first stage in a pipeline');
    if (op === '$out' || op === '$merge')
      throw new MongoCommandError('NotImplemented', `${op} is not supported by the embedded server`);
  }
  const deadline = Deadline.of(cmd, ctx.limits);
  let input: Doc[] = [];
  let stages = pipeline as Doc[];
  let ns = `${ctx.db}.$cmd.aggregate`;
  if (typeof target === 'string') {
    ns = `${ctx.db}.${target}`;
    const coll = ctx.engine.getCollection(ctx.db, target);
    // countDocuments: [$match, $skip?, $limit?, $group {_id: const, n: {$sum: 1}}] is a count.
    const counted = countPipeline(stages);
    if (counted) {
      const n = countDocs(coll, counted.filter, undefined, deadline);
      const total = Math.max(0, Math.min(n - counted.skip, counted.limit > 0 ? counted.limit : Infinity));
      const docs = total > 0 ? [{ _id: counted.id, [counted.field]: total }] : [];
      const cursorOpts = (cmd.cursor ?? {}) as Doc;
      return ctx.cursors.open(ns, docs, optionalNumber(cursorOpts.batchSize));
    }
    // A leading $match (with a following $sort, $skip, $limit) uses the collection's access paths.
    const first = stages[0];
    if (first && isPlainObject(first.$match)) {
      const lead = leadingFind(stages);
      input = findDocs(coll, { ...lead.opts, deadline });
      stages = stages.slice(lead.consumed);
    } else {
      input = coll ? [...coll.docs.values()] : [];
    }
    if (!stages.every((s) => READ_ONLY_STAGES.has(Object.keys(s)[0]))) input = input.map((d) => cloneDoc(d));
  } else if (target !== 1) {
    throw new MongoCommandError('BadValue', 'aggregate target must be a collection name or 1');
  }
  const resolve = (from: string): Doc[] => [...(ctx.engine.getCollection(ctx.db, from)?.docs.values() ?? [])];
  const out = runPipeline(stages, input, aggregationOptions(resolve), {
    deadline,
    maxStageMemoryBytes: ctx.limits.maxStageMemoryBytes,
    allowDiskUse: cmd.allowDiskUse === true,
  });
  const cursorOpts = (cmd.cursor ?? {}) as Doc;
  return ctx.cursors.open(ns, out, optionalNumber(cursorOpts.batchSize));
};

/** The find a pipeline starts with: `$match`, then `$sort`, `$skip`, `$limit` as far as they fold. */
export function leadingFind(stages: Doc[]): { opts: FindOptions; consumed: number } {
  const opts: FindOptions = { filter: stages[0].$match as Doc };
  let i = 1;
  const sort: unknown = stages[i]?.$sort;
  if (isPlainObject(sort) && Object.keys(stages[i]).length === 1) {
    opts.sort = sort;
    i++;
    const skip = stages[i]?.$skip;
    if (typeof skip === 'number' && Number.isInteger(skip) && skip >= 0) {
      opts.skip = skip;
      i++;
    }
    const limit = stages[i]?.$limit;
    if (typeof limit === 'number' && Number.isInteger(limit) && limit > 0) {
      opts.limit = limit;
      i++;
    }
  }
  return { opts, consumed: i };
}

/** The shape the driver's countDocuments sends, if `stages` is it. */
export function countPipeline(
  stages: Doc[],
): { filter: Doc; skip: number; limit: number; id: unknown; field: string } | undefined {
  const match: unknown = stages[0]?.$match;
  if (!isPlainObject(match) || Object.keys(stages[0]).length !== 1) return undefined;
  let i = 1;
  let skip = 0;
  let limit = 0;
  const s: unknown = stages[i]?.$skip;
  if (s !== undefined) {
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 0) return undefined;
    skip = s;
    i++;
  }
  const l: unknown = stages[i]?.$limit;
  if (l !== undefined) {
    if (typeof l !== 'number' || !Number.isInteger(l) || l <= 0) return undefined;
    limit = l;
    i++;
  }
  if (i !== stages.length - 1) return undefined;
  const group: unknown = stages[i].$group;
  if (!isPlainObject(group) || Object.keys(stages[i]).length !== 1) return undefined;
  const keys = Object.keys(group);
  if (keys.length !== 2 || keys[0] !== '_id') return undefined;
  const id: unknown = group._id;
  if (
    !(typeof id === 'number' || id === null || typeof id === 'string') ||
    (typeof id === 'string' && id.startsWith('$'))
  )
    return undefined;
  const acc: unknown = group[keys[1]];
  if (!isPlainObject(acc) || Object.keys(acc).length !== 1 || acc.$sum !== 1) return undefined;
  return { filter: match, skip, limit, id, field: keys[1] };
}

const count: CommandHandler = (cmd, ctx) => {
  const name = collectionName(cmd, 'count');
  const coll = ctx.engine.getCollection(ctx.db, name);
  const query = asDoc(cmd.query, 'query');
  let n: number;
  const skip = optionalNumber(cmd.skip) ?? 0;
  const limit = Math.abs(optionalNumber(cmd.limit) ?? 0);
  const deadline = Deadline.of(cmd, ctx.limits);
  if (!coll) n = 0;
  else n = countDocs(coll, query, undefined, deadline);
  n = Math.max(0, n - skip);
  if (limit > 0) n = Math.min(n, limit);
  return { n, ok: 1 };
};

const distinct: CommandHandler = (cmd, ctx) => {
  const name = collectionName(cmd, 'distinct');
  const key: unknown = cmd.key;
  if (typeof key !== 'string' || !key) throw new MongoCommandError('FailedToParse', "'key' must be a string");
  const coll = ctx.engine.getCollection(ctx.db, name);
  const deadline = Deadline.of(cmd, ctx.limits);
  const docs = findDocs(coll, { filter: asDoc(cmd.query, 'query'), deadline });
  const seen = new Set<string>();
  const values: unknown[] = [];
  for (const d of docs) {
    deadline?.tick();
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
