/**
 * Idempotency keys in MongoDB, so that every instance sees them: one document per (organization, key),
 * claimed by an insert (the unique index decides between concurrent first requests), completed with the
 * portal it created, and removed by a TTL index after 24 hours. A claim holds a lease; a claim whose
 * request died (a crash) can be taken over after the lease, and its retry reuses the portal id the first
 * attempt chose, so a portal is never created twice.
 */
import { MongoError, type Collection, type Db, type IndexDescription, type ObjectId } from 'mongodb';
import type { Portal } from '../fields.ts';
import { IDEMPOTENCY_KEY_TTL_MS } from '../idempotency.ts';
import { DatabaseCalls, UNOBSERVED_CALLS } from './database-calls.ts';

export const IDEMPOTENCY_COLLECTION_NAME = 'idempotencyKeys';

/** Longer than any request may run (REQUEST_TIMEOUT_MS and DB_TIMEOUT_MS are far shorter). */
const LEASE_MS = 60_000;

interface KeyDocument {
  _id?: ObjectId;
  organizationId: string;
  key: string;
  fingerprint: string;
  /** The id the creating request uses, kept so that a takeover after a crash uses it again. */
  portalId: string;
  state: 'pending' | 'done';
  leaseUntil?: Date;
  /** The portal as the first request created it: what every replay answers. */
  portal?: Portal;
  expiresAt: Date;
}

const INDEXES: IndexDescription[] = [
  { key: { organizationId: 1, key: 1 }, name: 'organizationId_key', unique: true },
  { key: { expiresAt: 1 }, name: 'expiresAt_ttl', expireAfterSeconds: 0 },
];

export type Claim =
  { kind: 'run'; portalId: string } | { kind: 'replay'; portal: Portal } | { kind: 'reused' } | { kind: 'inFlight' };

export class IdempotencyKeys {
  private readonly collection: Collection<KeyDocument>;

  private readonly calls: DatabaseCalls;

  constructor(db: Db, calls = UNOBSERVED_CALLS) {
    this.collection = db.collection<KeyDocument>(IDEMPOTENCY_COLLECTION_NAME);
    this.calls = calls;
  }

  async ensureIndexes(): Promise<void> {
    await this.calls.run('createIndexes', () => this.collection.createIndexes(INDEXES));
  }

  /** Claims `key` for a request with this fingerprint, or says what the key already stands for. */
  async claim(organizationId: string, key: string, fingerprint: string, portalId: string, now: Date): Promise<Claim> {
    const leaseUntil = new Date(now.getTime() + LEASE_MS);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const expiresAt = new Date(now.getTime() + IDEMPOTENCY_KEY_TTL_MS);
        await this.calls.run('insert', () =>
          this.collection.insertOne({
            organizationId,
            key,
            fingerprint,
            portalId,
            state: 'pending',
            leaseUntil,
            expiresAt,
          }),
        );
        return { kind: 'run', portalId };
      } catch (error) {
        if (!(error instanceof MongoError && error.code === 11000)) throw error;
      }
      const existing = await this.calls.run('find', () => this.collection.findOne({ organizationId, key }));
      if (!existing) continue; // expired and removed in between
      if (existing.expiresAt <= now) {
        // Past its 24 hours, not yet removed by the TTL monitor: as good as gone.
        await this.calls.run('delete', () =>
          this.collection.deleteOne({ _id: existing._id, expiresAt: existing.expiresAt }),
        );
        continue;
      }
      if (existing.fingerprint !== fingerprint) return { kind: 'reused' };
      if (existing.state === 'done' && existing.portal) return { kind: 'replay', portal: existing.portal };
      if (existing.leaseUntil && existing.leaseUntil > now) return { kind: 'inFlight' };
      // The first request died: take its claim over, unless another retry just did.
      const taken = await this.calls.run('update', () =>
        this.collection.updateOne(
          { _id: existing._id, state: 'pending', leaseUntil: existing.leaseUntil },
          { $set: { leaseUntil } },
        ),
      );
      if (taken.modifiedCount === 1) return { kind: 'run', portalId: existing.portalId };
    }
    return { kind: 'inFlight' };
  }

  /** Records the portal the claim's request created: from now on the key replays it. */
  async complete(organizationId: string, key: string, portal: Portal): Promise<void> {
    await this.calls.run('update', () =>
      this.collection.updateOne(
        { organizationId, key, state: 'pending' },
        { $set: { state: 'done', portal }, $unset: { leaseUntil: '' } },
      ),
    );
  }

  /** Gives up a claim whose request created nothing, so that the key can be used again. */
  async release(organizationId: string, key: string): Promise<void> {
    await this.calls.run('delete', () => this.collection.deleteOne({ organizationId, key, state: 'pending' }));
  }
}
