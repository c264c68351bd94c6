/**
 * What keeps one command from stalling the process: `maxTimeMS` (checked while documents are
 * examined or flow between aggregation stages) and MongoDB's per-stage memory limit for stages
 * that hold their whole input.
 */
import { BSON } from 'bson';
import type { Doc } from './compare.ts';
import { MongoCommandError } from './errors.ts';
import { optionalNumber } from './commands/context.ts';

/** MongoDB's limit for one blocking stage. */
export const DEFAULT_MAX_STAGE_MEMORY_BYTES = 100 * 1024 * 1024;

export interface ExecutionLimits {
  /** Clock for `maxTimeMS` (milliseconds). */
  now: () => number;
  /** Bytes one blocking aggregation stage may hold. */
  maxStageMemoryBytes: number;
}

export function defaultLimits(): ExecutionLimits {
  return { now: Date.now, maxStageMemoryBytes: DEFAULT_MAX_STAGE_MEMORY_BYTES };
}

/** Reading the clock for every document would cost more than the work it guards. */
const TICKS_PER_CLOCK_READ = 64;

export class Deadline {
  private readonly at: number;
  private readonly now: () => number;
  private ticks = 0;

  constructor(at: number, now: () => number) {
    this.at = at;
    this.now = now;
  }

  /** The command's deadline, or undefined without a (non-zero) `maxTimeMS`. */
  static of(cmd: Doc, limits: ExecutionLimits): Deadline | undefined {
    const ms = optionalNumber(cmd.maxTimeMS);
    if (ms === undefined || ms === 0) return undefined;
    if (!Number.isInteger(ms) || ms < 0 || ms > 2_147_483_647) {
      throw new MongoCommandError('BadValue', 'maxTimeMS must be a non-negative integer (at most 2147483647)');
    }
    return new Deadline(limits.now() + ms, limits.now);
  }

  /** Called once per unit of work; throws MaxTimeMSExpired once the deadline has passed. */
  tick(): void {
    if (++this.ticks % TICKS_PER_CLOCK_READ === 0) this.check();
  }

  check(): void {
    if (this.now() >= this.at) throw new MongoCommandError('MaxTimeMSExpired', 'operation exceeded time limit');
  }
}

/** Counts the bytes a blocking stage takes in; throws once they pass the limit. */
export class StageMemory {
  private readonly stage: string;
  private readonly limit: number;
  private readonly allowDiskUse: boolean;
  private bytes = 0;

  constructor(stage: string, limit: number, allowDiskUse: boolean) {
    this.stage = stage;
    this.limit = limit;
    this.allowDiskUse = allowDiskUse;
  }

  add(doc: Doc): void {
    this.bytes += BSON.calculateObjectSize(doc);
    if (this.bytes <= this.limit) return;
    if (this.allowDiskUse) {
      throw new MongoCommandError(
        'ExceededMemoryLimit',
        `${this.stage} exceeded the memory limit of ${this.limit} bytes; the embedded server cannot spill ` +
          'to disk, so allowDiskUse does not lift the limit',
      );
    }
    throw new MongoCommandError(
      'QueryExceededMemoryLimitNoDiskUseAllowed',
      `${this.stage} exceeded the memory limit of ${this.limit} bytes, but did not opt in to external sorting`,
    );
  }
}
