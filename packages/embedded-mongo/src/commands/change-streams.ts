/**
 * `aggregate` with a leading `$changeStream`: opens a change stream cursor on a collection, a database
 * (`aggregate: 1`) or the whole server (`aggregate: 1` on admin with `allChangesForCluster`). Change
 * streams work although the server reports itself as a standalone (MongoDB would answer 40573).
 */
import type { Doc } from '../compare.ts';
import { isPlainObject } from '../compare.ts';
import { MongoCommandError } from '../errors.ts';
import type { StreamScope } from '../changes/events.ts';
import { checkEventStages, parseChangeStreamSpec } from '../changes/options.ts';
import { toTimestamp } from '../changes/resume-token.ts';
import { ChangeStream } from '../changes/stream.ts';
import type { CommandContext } from './context.ts';
import { optionalNumber } from './context.ts';

export function isChangeStreamPipeline(pipeline: Doc[]): boolean {
  return pipeline.length > 0 && Object.keys(pipeline[0])[0] === '$changeStream';
}

function scopeOf(target: unknown, db: string, allChangesForCluster: boolean): { scope: StreamScope; ns: string } {
  if (typeof target === 'string') {
    if (allChangesForCluster) {
      throw new MongoCommandError(
        'InvalidOptions',
        'allChangesForCluster is only valid on the admin database with aggregate: 1',
      );
    }
    return { scope: { db, coll: target }, ns: `${db}.${target}` };
  }
  if (target !== 1) throw new MongoCommandError('BadValue', 'aggregate target must be a collection name or 1');
  if (allChangesForCluster !== (db === 'admin')) {
    throw new MongoCommandError(
      'InvalidNamespace',
      allChangesForCluster
        ? 'allChangesForCluster is only valid on the admin database'
        : "$changeStream on the admin database requires 'allChangesForCluster: true'",
    );
  }
  return { scope: allChangesForCluster ? { cluster: true } : { db }, ns: `${db}.$cmd.aggregate` };
}

export async function openChangeStream(cmd: Doc, pipeline: Doc[], ctx: CommandContext): Promise<Doc> {
  if (cmd.explain === true)
    throw new MongoCommandError('NotImplemented', 'explain of a $changeStream is not supported');
  const spec = parseChangeStreamSpec(pipeline[0].$changeStream);
  const stages = pipeline.slice(1);
  checkEventStages(stages);
  const { scope, ns } = scopeOf(cmd.aggregate, ctx.db, spec.allChangesForCluster);
  const stream = new ChangeStream(ctx.engine, scope, spec, stages);
  const cursorOpts: Doc = isPlainObject(cmd.cursor) ? cmd.cursor : {};
  const operationTime = toTimestamp(ctx.engine.changes.lastTime);
  const first = stream.batch(optionalNumber(cursorOpts.batchSize));
  // As getMore: no event leaves before its write is durable.
  if (first.docs.length > 0) await ctx.engine.sync();
  return { ...ctx.cursors.openTailable(ns, stream, ctx.connectionId, first), operationTime };
}
