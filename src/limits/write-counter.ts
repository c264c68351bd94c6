/**
 * The write budget's counts, kept in MongoDB so that every instance on one database spends the same
 * budget: one document per organization with its count and the end of its window (a window starts at
 * the organization's first write after the last one ended). Each spend is one atomic findAndModify; a
 * window that has ended is restarted by the next write, and a TTL index removes idle organizations'.
 */
import { MongoError, type Collection, type Db } from 'mongodb';
import { guard } from '../portals/mongo/database-unavailable.ts';

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

  constructor(db: Db) {
    this.collection = db.collection<BudgetDocument>(WRITE_BUDGET_COLLECTION_NAME);
  }

  async ensureIndexes(): Promise<void> {
    await guard(() => this.collection.createIndex({ windowEnd: 1 }, { name: 'windowEnd_ttl', expireAfterSeconds: 60 }));
  }

  async add(organizationId: string, writes: number, windowMs: number, now: Date): Promise<WindowCount> {
    // Three outcomes race safely: counting in a live window, restarting an ended one, or creating the first;
    // a lost creation (E11000) means another instance just made the window, which the next round counts in.
    for (let round = 0; round < 5; round++) {
      const counted = await guard(() =>
        this.collection.findOneAndUpdate(
          { _id: organizationId, windowEnd: { $gt: now } },
          { $inc: { count: writes } },
          { returnDocument: 'after' },
        ),
      );
      if (counted) return counted;
      try {
        const started = await guard(() =>
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
