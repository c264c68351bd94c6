/**
 * Runs an aggregation pipeline one stage at a time so that the documents flowing between stages
 * pass our checks: the command's deadline, and the memory of stages that hold their whole input.
 */
import { Aggregator } from 'mingo';
import type { Doc } from './compare.ts';
import { MongoCommandError } from './errors.ts';
import { StageMemory } from './limits.ts';
import type { Deadline } from './limits.ts';
import type { MingoOptions } from './mingo-options.ts';

export interface PipelineLimits {
  deadline?: Deadline;
  maxStageMemoryBytes: number;
  allowDiskUse: boolean;
}

const BLOCKING_STAGES = new Set([
  '$sort',
  '$group',
  '$bucket',
  '$bucketAuto',
  '$sortByCount',
  '$facet',
  '$setWindowFields',
]);

/** Whether stage `i` holds all its input (a `$sort` straight before a `$limit` keeps only the top). */
function holdsInput(stages: Doc[], i: number): boolean {
  const op = Object.keys(stages[i])[0];
  if (!BLOCKING_STAGES.has(op)) return false;
  return !(op === '$sort' && stages[i + 1] !== undefined && Object.keys(stages[i + 1])[0] === '$limit');
}

function* guarded(source: Iterable<Doc>, deadline: Deadline | undefined, memory?: StageMemory): Generator<Doc> {
  for (const doc of source) {
    deadline?.tick();
    memory?.add(doc);
    yield doc;
  }
}

export function runPipeline(stages: Doc[], input: Doc[], options: MingoOptions, limits: PipelineLimits): Doc[] {
  let source: Iterable<Doc> = input;
  try {
    for (let i = 0; i < stages.length; i++) {
      const op = Object.keys(stages[i])[0];
      const memory = holdsInput(stages, i)
        ? new StageMemory(op, limits.maxStageMemoryBytes, limits.allowDiskUse)
        : undefined;
      const stream = new Aggregator([stages[i]], options).stream(guarded(source, limits.deadline, memory));
      source = stream as Iterable<Doc>;
    }
    return [...guarded(source, limits.deadline)];
  } catch (e) {
    if (e instanceof MongoCommandError) throw e;
    throw new MongoCommandError('BadValue', e instanceof Error ? e.message : String(e));
  }
}
