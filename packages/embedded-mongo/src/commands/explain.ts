/**
 * `explain` for find, aggregate, count, distinct, findAndModify, update and delete. The reply has
 * MongoDB's shape where tests look: `queryPlanner.winningPlan` is a stage tree (`LIMIT` → `SKIP` →
 * `SORT` → `FETCH` → `IXSCAN`, or `COLLSCAN`, `IDHACK`, `COUNT` → `COUNT_SCAN`), each stage's child
 * in `inputStage`; `IXSCAN`/`COUNT_SCAN` carry `indexName`, `keyPattern`, `direction` and
 * `indexBounds`. With a verbosity other than `queryPlanner`, the query runs and `executionStats`
 * reports `nReturned`, `totalKeysExamined` and `totalDocsExamined`. An aggregate explain has the
 * same top-level `queryPlanner` (the leading `$match`/`$sort`/`$skip`/`$limit`), plus `stages`.
 */
import type { Doc } from '../compare.ts';
import { isPlainObject, renderValue } from '../compare.ts';
import { MongoCommandError } from '../errors.ts';
import { asDoc, countDocs, findDocs, planFind } from '../query.ts';
import type { ExecStats, FindOptions } from '../query.ts';
import type { Collection } from '../storage/collection.ts';
import type { Bound, Interval, OrderedIndex } from '../storage/indexes.ts';
import { planQuery } from '../storage/planner.ts';
import type { AccessPath } from '../storage/planner.ts';
import type { CommandHandler } from './context.ts';
import { collectionName, optionalNumber } from './context.ts';
import { countPipeline, leadingFind } from './read.ts';

function renderBound(b: Bound | undefined, fallback: string): string {
  return b ? renderValue(b.value) : fallback;
}

/** MongoDB-style bounds: `{ field: ['["a", "a"]', …] }` (descending fields listed high to low). */
function indexBounds(index: OrderedIndex, intervals: Interval[]): Doc {
  const out: Doc = {};
  index.fields.forEach((f, i) => {
    const desc = index.directions[i] === -1;
    const first = intervals[0];
    if (first && i < first.points.length) {
      const seen = new Set<string>();
      const list: string[] = [];
      for (const iv of intervals) {
        const r = renderValue(iv.points[i]);
        if (!seen.has(r)) {
          seen.add(r);
          list.push(`[${r}, ${r}]`);
        }
      }
      out[f] = list;
    } else if (first && i === first.points.length && (first.lo || first.hi)) {
      const lo = `${first.lo && !first.lo.inclusive ? '(' : '['}${renderBound(first.lo, 'MinKey')}`;
      const hi = `${renderBound(first.hi, 'MaxKey')}${first.hi && !first.hi.inclusive ? ')' : ']'}`;
      out[f] = desc
        ? [
            `${first.hi && !first.hi.inclusive ? '(' : '['}${renderBound(first.hi, 'MaxKey')}, ${renderBound(first.lo, 'MinKey')}${first.lo && !first.lo.inclusive ? ')' : ']'}`,
          ]
        : [`${lo}, ${hi}`];
    } else {
      out[f] = [desc ? '[MaxKey, MinKey]' : '[MinKey, MaxKey]'];
    }
  });
  return out;
}

function indexStage(stage: string, path: Extract<AccessPath, { stage: 'IXSCAN' }>): Doc {
  const ix = path.index;
  return {
    stage,
    keyPattern: ix.spec.key,
    indexName: ix.spec.name,
    isMultiKey: ix.multikey,
    isUnique: ix.unique,
    isSparse: ix.sparse,
    isPartial: ix.partial,
    indexVersion: 2,
    direction: path.direction === 1 ? 'forward' : 'backward',
    indexBounds: indexBounds(ix, path.intervals),
  };
}

/** The stage tree of a find (or a count when `count`). */
export function describePlan(path: AccessPath, opts: FindOptions, count = false): Doc {
  const filter = opts.filter ?? {};
  const sort = opts.sort && Object.keys(opts.sort).length ? opts.sort : undefined;
  let plan: Doc;
  if (path.stage === 'IDHACK') plan = { stage: 'IDHACK' };
  else if (path.stage === 'COLLSCAN') plan = { stage: 'COLLSCAN', filter, direction: 'forward' };
  else if (count && path.exact) return { stage: 'COUNT', inputStage: indexStage('COUNT_SCAN', path) };
  else {
    plan = { stage: 'FETCH', inputStage: indexStage('IXSCAN', path) };
    if (!path.exact) plan = { stage: 'FETCH', filter, inputStage: plan.inputStage as Doc };
  }
  if (sort && !(path.stage === 'IXSCAN' && path.sortServed)) {
    plan = { stage: 'SORT', sortPattern: sort, memLimit: 104857600, type: 'simple', inputStage: plan };
  }
  if (opts.skip) plan = { stage: 'SKIP', skipAmount: opts.skip, inputStage: plan };
  if (opts.limit) plan = { stage: 'LIMIT', limitAmount: Math.abs(opts.limit), inputStage: plan };
  if (count) plan = { stage: 'COUNT', inputStage: plan };
  return plan;
}

interface Explained {
  ns: string;
  coll: Collection | undefined;
  opts: FindOptions;
  count: boolean;
}

/** The query part of the explained command. */
function explainedQuery(inner: Doc, db: string, ctx: Parameters<CommandHandler>[1]): Explained {
  const name = Object.keys(inner)[0];
  const target = (key: string): { ns: string; coll: Collection | undefined } => {
    const c = collectionName(inner, key);
    return { ns: `${db}.${c}`, coll: ctx.engine.getCollection(db, c) };
  };
  switch (name) {
    case 'find': {
      const t = target('find');
      return {
        ...t,
        count: false,
        opts: {
          filter: asDoc(inner.filter, 'filter'),
          sort: asDoc(inner.sort, 'sort'),
          skip: optionalNumber(inner.skip),
          limit: optionalNumber(inner.limit),
        },
      };
    }
    case 'aggregate': {
      const t = target('aggregate');
      const pipeline: unknown = inner.pipeline;
      if (!Array.isArray(pipeline) || !pipeline.every(isPlainObject)) {
        throw new MongoCommandError('FailedToParse', "'pipeline' option must be specified as an array");
      }
      const stages = pipeline as Doc[];
      const counted = countPipeline(stages);
      if (counted) return { ...t, count: true, opts: { filter: counted.filter } };
      if (stages[0] && isPlainObject(stages[0].$match)) return { ...t, count: false, opts: leadingFind(stages).opts };
      return { ...t, count: false, opts: {} };
    }
    case 'count': {
      const t = target('count');
      return { ...t, count: true, opts: { filter: asDoc(inner.query, 'query') } };
    }
    case 'distinct': {
      const t = target('distinct');
      return { ...t, count: false, opts: { filter: asDoc(inner.query, 'query') } };
    }
    case 'findAndModify':
    case 'findandmodify': {
      const t = target(name);
      return {
        ...t,
        count: false,
        opts: { filter: asDoc(inner.query, 'query'), sort: asDoc(inner.sort, 'sort'), limit: 1 },
      };
    }
    case 'update':
    case 'delete': {
      const t = target(name);
      const list: unknown = inner[name === 'update' ? 'updates' : 'deletes'];
      const first: unknown = Array.isArray(list) ? list[0] : undefined;
      const q = isPlainObject(first) ? asDoc(first.q, 'q') : undefined;
      return { ...t, count: false, opts: { filter: q } };
    }
    default:
      throw new MongoCommandError('CommandNotFound', `Explain failed due to unknown command: ${String(name)}`);
  }
}

const explain: CommandHandler = (cmd, ctx) => {
  const inner = asDoc(cmd.explain, 'explain');
  if (!inner || Object.keys(inner).length === 0)
    throw new MongoCommandError('BadValue', 'explain command requires a nested object');
  const verbosity = typeof cmd.verbosity === 'string' ? cmd.verbosity : 'allPlansExecution';
  if (!['queryPlanner', 'executionStats', 'allPlansExecution'].includes(verbosity)) {
    throw new MongoCommandError(
      'FailedToParse',
      `verbosity string must be one of {'queryPlanner', 'executionStats', 'allPlansExecution'}`,
    );
  }
  const innerDb = typeof inner.$db === 'string' ? inner.$db : ctx.db;
  const q = explainedQuery(inner, innerDb, ctx);
  const filter = q.opts.filter ?? {};
  const path: AccessPath = q.coll
    ? q.count
      ? planQuery(q.coll, filter)
      : planFind(q.coll, q.opts)
    : { stage: 'COLLSCAN' };
  const winningPlan =
    q.count && Object.keys(filter).length === 0
      ? { stage: 'RECORD_STORE_FAST_COUNT' }
      : describePlan(path, q.opts, q.count);
  const queryPlanner: Doc = {
    namespace: q.ns,
    indexFilterSet: false,
    parsedQuery: filter,
    planCacheShapeHash: '00000000',
    maxIndexedOrSolutionsReached: false,
    maxIndexedAndSolutionsReached: false,
    maxScansToExplodeReached: false,
    winningPlan,
    rejectedPlans: [],
  };
  const reply: Doc = { explainVersion: '1', queryPlanner };
  if (verbosity !== 'queryPlanner') {
    const stats: ExecStats = { keysExamined: 0, docsExamined: 0 };
    const started = performance.now();
    let nReturned: number;
    if (q.count) {
      nReturned = countDocs(q.coll, filter, stats);
      if (path.stage === 'IXSCAN' && path.exact) stats.keysExamined = nReturned;
    } else nReturned = findDocs(q.coll, q.opts, stats).length;
    reply.executionStats = {
      executionSuccess: true,
      nReturned,
      executionTimeMillis: Math.round(performance.now() - started),
      totalKeysExamined: stats.keysExamined,
      totalDocsExamined: stats.docsExamined,
      executionStages: winningPlan,
    };
  }
  if (Object.keys(inner)[0] === 'aggregate') {
    const pipeline = inner.pipeline as Doc[];
    reply.stages = [{ $cursor: { queryPlanner } }, ...pipeline.slice(1)];
  }
  reply.command = inner;
  reply.serverInfo = { host: 'embedded', port: 0, version: '7.0.0', gitVersion: 'embedded' };
  reply.ok = 1;
  return reply;
};

export const explainCommands: Record<string, CommandHandler> = { explain };
