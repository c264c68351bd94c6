/**
 * Organizations' claims on custom domains, one document per (organization, domain). Any number of
 * organizations may claim a domain; a claim becomes `verified` only when the DNS check finds its token,
 * and a unique index over verified claims alone makes that true of one organization at most, whatever
 * the interleaving. Each claim has its own random token, so one organization's published record never
 * proves another's claim, and a claim released and made again needs a new record.
 */
import { randomBytes } from 'node:crypto';
import { MongoError, type Collection, type Db, type IndexDescription, type ObjectId } from 'mongodb';
import { DOMAIN_RECORD_PREFIX, type DomainVerification, type DomainVerificationStatus } from '../fields.ts';
import { DatabaseCalls, UNOBSERVED_CALLS } from './database-calls.ts';

export const DOMAIN_CLAIMS_COLLECTION_NAME = 'domainClaims';
export const VERIFIED_DOMAIN_INDEX = 'domain_verified';
/** How often a claim that lost a race to be made (and then vanished) is tried again. */
const CLAIM_ATTEMPTS = 3;

export interface DomainClaim {
  _id?: ObjectId;
  organizationId: string;
  domain: string;
  token: string;
  status: DomainVerificationStatus;
  checkedTime: Date | null;
  failureReason: string | null;
  createdTime: Date;
}

export const DOMAIN_CLAIM_INDEXES: IndexDescription[] = [
  { key: { organizationId: 1, domain: 1 }, name: 'organizationId_domain', unique: true },
  {
    key: { domain: 1 },
    name: VERIFIED_DOMAIN_INDEX,
    unique: true,
    partialFilterExpression: { status: 'verified' },
  },
];

export function recordNameOf(domain: string): string {
  return `${DOMAIN_RECORD_PREFIX}.${domain}`;
}

/** What a portal on the claimed domain shows of the claim. */
export function verificationOf(claim: DomainClaim): DomainVerification {
  return {
    status: claim.status,
    recordType: 'TXT',
    recordName: recordNameOf(claim.domain),
    recordValue: claim.token,
    checkedTime: claim.checkedTime,
    failureReason: claim.failureReason,
  };
}

function newToken(): string {
  return `bpv1-${randomBytes(24).toString('base64url')}`;
}

function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoError && error.code === 11000;
}

export class DomainClaims {
  private readonly collection: Collection<DomainClaim>;

  private readonly calls: DatabaseCalls;

  constructor(db: Db, calls = UNOBSERVED_CALLS) {
    this.collection = db.collection<DomainClaim>(DOMAIN_CLAIMS_COLLECTION_NAME);
    this.calls = calls;
  }

  async ensureIndexes(): Promise<void> {
    await this.calls.run('createIndexes', () => this.collection.createIndexes(DOMAIN_CLAIM_INDEXES));
  }

  /** The organization's claim on the domain, made (pending, with a new token) if it has none. */
  async ensure(organizationId: string, domain: string, now: Date): Promise<DomainClaim> {
    const filter = { organizationId, domain };
    const made = { token: newToken(), status: 'pending' as const, checkedTime: null, failureReason: null };
    for (let attempt = 1; attempt <= CLAIM_ATTEMPTS; attempt++) {
      try {
        const claim = await this.calls.run('findAndModify', () =>
          this.collection.findOneAndUpdate(
            filter,
            { $setOnInsert: { ...made, createdTime: now } },
            { upsert: true, returnDocument: 'after' },
          ),
        );
        if (claim) return claim;
      } catch (error) {
        // Two first claims of one organization raced; the loser reads the winner's.
        if (!isDuplicateKey(error)) throw error;
        const claim = await this.calls.run('find', () => this.collection.findOne(filter));
        if (claim) return claim;
      }
    }
    throw new Error(`the claim on ${domain} vanished ${CLAIM_ATTEMPTS} times while being made`);
  }

  /** The organization's claims on these domains, by domain, made where there is none. */
  async forDomains(organizationId: string, domains: string[], now: Date): Promise<Map<string, DomainClaim>> {
    if (domains.length === 0) return new Map();
    const found = await this.calls.run('find', () =>
      this.collection.find({ organizationId, domain: { $in: domains } }).toArray(),
    );
    const claims = new Map<string, DomainClaim>(found.map((claim) => [claim.domain, claim]));
    for (const domain of domains) {
      // A portal written before verification existed, or onto a domain whose claim was released meanwhile.
      if (!claims.has(domain)) claims.set(domain, await this.ensure(organizationId, domain, now));
    }
    return claims;
  }

  /** The one verified claim on a domain, if any: the organization the domain is served for. */
  findVerified(domain: string): Promise<DomainClaim | null> {
    return this.calls.run('find', () => this.collection.findOne({ domain, status: 'verified' }));
  }

  /**
   * Marks the claim verified, unless it changed since it was read (released, remade): then null. If
   * another organization holds the domain verified, the unique index refuses: 'taken'.
   */
  async markVerified(claim: DomainClaim, now: Date): Promise<DomainClaim | null | 'taken'> {
    try {
      return await this.calls.run('findAndModify', () =>
        this.collection.findOneAndUpdate(
          { organizationId: claim.organizationId, domain: claim.domain, token: claim.token },
          { $set: { status: 'verified', checkedTime: now, failureReason: null } },
          { returnDocument: 'after' },
        ),
      );
    } catch (error) {
      if (isDuplicateKey(error)) return 'taken';
      throw error;
    }
  }

  /** Records a failed check, unless the claim was verified (or changed) meanwhile: then its current state. */
  async markFailed(claim: DomainClaim, reason: string, now: Date): Promise<DomainClaim | null> {
    const filter = { organizationId: claim.organizationId, domain: claim.domain, token: claim.token };
    const failed = await this.calls.run('findAndModify', () =>
      this.collection.findOneAndUpdate(
        { ...filter, status: { $ne: 'verified' as const } },
        { $set: { status: 'failed', checkedTime: now, failureReason: reason } },
        { returnDocument: 'after' },
      ),
    );
    return failed ?? this.calls.run('find', () => this.collection.findOne(filter));
  }

  /** Deletes the organization's claim on the domain (its portals no longer use it). */
  async release(organizationId: string, domain: string): Promise<boolean> {
    const result = await this.calls.run('delete', () => this.collection.deleteOne({ organizationId, domain }));
    return result.deletedCount === 1;
  }
}
