/**
 * One change stream cursor: a position in the event log (a cluster time), the stream's scope and
 * options, and its compiled pipeline. A batch walks the log from the position, renders the events the
 * stream sees and passes each through the pipeline; `next` waits (without blocking the event loop)
 * for the log's next entry when there is nothing yet, up to the getMore's await time.
 */
import { Aggregator } from 'mingo';
import { BSON } from 'bson';
import type { Doc } from '../compare.ts';
import { canonicalKey, cloneDoc } from '../compare.ts';
import { MongoCommandError, toCommandError } from '../errors.ts';
import { BASE_OPTIONS } from '../mingo-options.ts';
import type { Engine } from '../storage/database.ts';
import type { ChangeEventLog } from './event-log.ts';
import type { StreamScope } from './events.ts';
import { classify, invalidateEvent, renderEvent } from './events.ts';
import type { ChangeStreamSpec } from './options.ts';
import type { LogTime } from './resume-token.ts';
import { compareTimes, encodeToken } from './resume-token.ts';

/** Batches stop growing past this many bytes (under the 16 MiB reply limit). */
const MAX_BATCH_BYTES = 15 * 1024 * 1024;

export interface StreamBatch {
  docs: Doc[];
  postBatchResumeToken: Doc;
  /** The stream was invalidated: this batch is its last. */
  ended: boolean;
}

function historyLost(): MongoCommandError {
  return new MongoCommandError(
    'ChangeStreamHistoryLost',
    'Resume of change stream was not possible, as the resume point may no longer be in the event log.',
  );
}

/** The time just before `time`, so that a start at `time` includes it. */
function justBefore(time: LogTime): LogTime {
  return time.i > 0 ? { t: time.t, i: time.i - 1 } : { t: time.t - 1, i: 0xffffffff };
}

export class ChangeStream {
  private position: LogTime;
  /** The resume token of the event at `position`, when the last batch ended on a returned event. */
  private tokenAtPosition: Doc | undefined;
  private ended = false;
  private killed = false;
  /** Wake-ups of the getMores waiting on this stream (the driver sends one at a time; others may not). */
  private readonly waiting = new Set<() => void>();
  private readonly pipeline: Aggregator | undefined;
  private readonly cloneEvents: boolean;
  private readonly engine: Engine;
  private readonly log: ChangeEventLog;
  private readonly scope: StreamScope;
  private readonly spec: ChangeStreamSpec;

  constructor(engine: Engine, scope: StreamScope, spec: ChangeStreamSpec, stages: Doc[]) {
    this.engine = engine;
    this.log = engine.changes;
    this.scope = scope;
    this.spec = spec;
    this.pipeline = stages.length > 0 ? new Aggregator(stages, BASE_OPTIONS) : undefined;
    // Stages other than $match and $project may write into their input: give them copies.
    this.cloneEvents = stages.some((s) => !['$match', '$project'].includes(Object.keys(s)[0]));
    const start = spec.start;
    if (start === undefined) {
      this.position = this.log.lastTime;
    } else {
      this.position = 'at' in start ? justBefore(start.at) : start.after;
      // A token of another epoch predates this server's start: whatever followed it is gone.
      if (!this.log.retainsAfter(this.position) || ('epoch' in start && start.epoch !== this.log.epoch)) {
        throw historyLost();
      }
      if (compareTimes(this.position, this.log.lastTime) > 0 && !('at' in start)) {
        throw new MongoCommandError(
          'ChangeStreamFatalError',
          'cannot resume: the resume token is newer than this server',
        );
      }
    }
  }

  /** The events available now, without waiting. */
  batch(batchSize: number | undefined): StreamBatch {
    if (this.killed) throw new MongoCommandError('CursorKilled', 'the change stream cursor was killed');
    if (!this.log.retainsAfter(this.position)) throw historyLost();
    const max = batchSize && batchSize > 0 ? batchSize : Infinity;
    const docs: Doc[] = [];
    let bytes = 0;
    for (let index = this.log.indexAfter(this.position); !this.ended && docs.length < max; index++) {
      const entry = this.log.at(index);
      if (entry === undefined) break;
      const { sees, invalidates } = classify(this.scope, entry);
      const out: Doc[] = [];
      if (sees) {
        const rendered = renderEvent(entry, this.spec, this.engine);
        const events = rendered ? [rendered] : [];
        if (invalidates) events.push(invalidateEvent(entry, this.log.epoch));
        for (const event of events) {
          const shaped = this.transform(event);
          if (shaped !== undefined) out.push(shaped);
        }
      }
      const size = out.reduce((sum, d) => sum + BSON.calculateObjectSize(d), 0);
      // The entry goes whole into this batch or waits for the next one (unless the batch is empty).
      if (docs.length > 0 && bytes + size > MAX_BATCH_BYTES) break;
      bytes += size;
      docs.push(...out);
      this.position = entry.time;
      this.tokenAtPosition = out.length > 0 ? (out[out.length - 1]._id as Doc) : undefined;
      if (sees && invalidates) this.ended = true;
    }
    const postBatchResumeToken = this.tokenAtPosition ?? encodeToken(this.position, this.log.epoch, 'position');
    return { docs, postBatchResumeToken, ended: this.ended };
  }

  /** The next batch, waiting up to `awaitMs` for one event; durable before it is returned. */
  async next(batchSize: number | undefined, awaitMs: number): Promise<StreamBatch> {
    const deadline = Date.now() + awaitMs;
    for (;;) {
      const result = this.batch(batchSize);
      const remaining = deadline - Date.now();
      if (result.docs.length > 0 || result.ended || remaining <= 0) {
        if (result.docs.length > 0) await this.engine.sync();
        return result;
      }
      await this.waitForEntry(remaining);
      if (this.killed) throw new MongoCommandError('CursorKilled', 'the change stream cursor was killed');
    }
  }

  /** Stops the stream; a `next` that is waiting answers CursorKilled. */
  kill(): void {
    this.killed = true;
    for (const wake of [...this.waiting]) wake();
  }

  private waitForEntry(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        cancel();
        this.waiting.delete(done);
        resolve();
      };
      const cancel = this.log.onNextEntry(done);
      const timer = setTimeout(done, ms);
      timer.unref();
      this.waiting.add(done);
    });
  }

  private transform(event: Doc): Doc | undefined {
    if (!this.pipeline) return event;
    let out: Doc | undefined;
    try {
      out = this.pipeline.run([this.cloneEvents ? cloneDoc(event) : event])[0] as Doc | undefined;
    } catch (err) {
      throw toCommandError(err);
    }
    if (out !== undefined && canonicalKey(out._id) !== canonicalKey(event._id)) {
      throw new MongoCommandError(
        'ChangeStreamFatalError',
        'Encountered an event whose _id field, which contains the resume token, was modified by the pipeline. ' +
          'Modifying the _id field of an event makes it impossible to resume the stream from that point.',
      );
    }
    return out;
  }
}
