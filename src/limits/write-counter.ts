/**
 * The write budget's counts, kept in MongoDB so that every instance on one database spends the same
 * budget: one document per organization with its count and the end of its window (a window starts at
 * the organization's first write after the last one ended). Each spend is one atomic findAndModify; a
 * window that has ended is restarted by the next write, and a TTL index removes idle organizations'.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { MongoError, type Collection, type Db } from 'mongodb';
import { DatabaseCalls, UNOBSERVED_CALLS } from '../portals/mongo/database-calls.ts';

export const WRITE_BUDGET_COLLECTION_NAME = 'writeBudgets';

interface BudgetDocument {
  _id: string;
  count: number;
  windowEnd: Date;
}

export interface WindowCount {
  /** Writes counted in the current window, this one included. */
  count: number;
  windowEnd: Date;
}

/** What the budget needs of its store (tests and benchmarks use the MongoDB one, as the service does). */
export interface WriteCounter {
  add(organizationId: string, writes: number, windowMs: number, now: Date): Promise<WindowCount>;
}

export class MongoWriteCounter implements WriteCounter {
  private readonly collection: Collection<BudgetDocument>;

  private readonly calls: DatabaseCalls;

  constructor(db: Db, calls = UNOBSERVED_CALLS) {
    this.collection = db.collection<BudgetDocument>(WRITE_BUDGET_COLLECTION_NAME);
    this.calls = calls;
  }

  async ensureIndexes(): Promise<void> {
    await this.calls.run('createIndexes', () =>
      this.collection.createIndex({ windowEnd: 1 }, { name: 'windowEnd_ttl', expireAfterSeconds: 60 }),
    );
  }

  async add(organizationId: string, writes: number, windowMs: number, now: Date): Promise<WindowCount> {
    // Three outcomes race safely: counting in a live window, restarting an ended one, or creating the first;
    // a lost creation (E11000) means another instance just made the window, which the next round counts in.
    for (let round = 0; round < 5; round++) {
      const counted = await this.calls.run('findAndModify', () =>
        this.collection.findOneAndUpdate(
          { _id: organizationId, windowEnd: { $gt: now } },
          { $inc: { count: writes } },
          { returnDocument: 'after' },
        ),
      );
      if (counted) return counted;
      try {
        const started = await this.calls.run('findAndModify', () =>
          this.collection.findOneAndUpdate(
            { _id: organizationId, windowEnd: { $lte: now } },
            { $set: { count: writes, windowEnd: new Date(now.getTime() + windowMs) } },
            { upsert: true, returnDocument: 'after' },
          ),
        );
        if (started) return started;
      } catch (error) {
        if (!(error instanceof MongoError && error.code === 11000)) throw error;
      }
    }
    throw new Error(`the write budget of "${organizationId}" did not settle`);
  }
}

type RunInContext = ReturnType<typeof AsyncLocalStorage.snapshot>;

interface WaitingSpend {
  writes: number;
  resolve: (count: WindowCount) => void;
  reject: (error: unknown) => void;
}

/**
 * Spends for one organization that arrive while its previous count is on its way to the database go
 * together, as one `$inc` of their sum; each gets back the count it would have had had the database
 * counted them one after another in arrival order. The decisions are those of one spend at a time, for a
 * fraction of the round trips under load.
 */
export class CoalescingWriteCounter implements WriteCounter {
  private readonly counter: WriteCounter;
  /**
   * Per organization with a count in flight: the spends waiting for the next one, and the async context of
   * the first of them, in which that one is sent (rather than in the context of the request whose count
   * was in flight: a request's trace holds the database command of its own spend).
   */
  private readonly waiting = new Map<string, { spends: WaitingSpend[]; context?: RunInContext }>();

  constructor(counter: WriteCounter) {
    this.counter = counter;
  }

  add(organizationId: string, writes: number, windowMs: number): Promise<WindowCount> {
    return new Promise((resolve, reject) => {
      const queue = this.waiting.get(organizationId);
      if (!queue) return this.send(organizationId, [{ writes, resolve, reject }], windowMs);
      queue.context ??= AsyncLocalStorage.snapshot();
      queue.spends.push({ writes, resolve, reject });
    });
  }

  private send(organizationId: string, batch: WaitingSpend[], windowMs: number): void {
    this.waiting.set(organizationId, { spends: [] });
    const total = batch.reduce((sum, spend) => sum + spend.writes, 0);
    this.counter
      .add(organizationId, total, windowMs, new Date())
      .then(
        ({ count, windowEnd }) => {
          let counted = count - total;
          for (const spend of batch) {
            counted += spend.writes;
            spend.resolve({ count: counted, windowEnd });
          }
        },
        (error: unknown) => {
          for (const spend of batch) spend.reject(error);
        },
      )
      .finally(() => {
        const next = this.waiting.get(organizationId);
        if (next?.context) next.context(() => this.send(organizationId, next.spends, windowMs));
        else this.waiting.delete(organizationId);
      });
  }
}
