/**
 * The portal use cases: the one place that validates input, applies defaults, stamps times and decides
 * created versus updated. Both doors reach the database only through here. Every write names its
 * writer (the API key's name), which the change history records.
 */
import { ulid } from 'ulid';
import {
  ConflictError,
  DnsUnavailableError,
  DomainVerificationFailedError,
  IdempotencyKeyInUseError,
  IdempotencyKeyReusedError,
  NotFoundError,
  UnconfirmedWriteError,
  ValidationError,
  type WriteCondition,
} from './errors.ts';
import { DnsLookupError, txtLookup, type TxtAnswer, type TxtLookup } from './dns-txt.ts';
import type { PortalFields } from './fields.ts';
import { fingerprintOf } from './idempotency.ts';
import { isPortalId, parsePortalInput, parsePortalWrite, type Portal, type StoredPortal } from './model.ts';
import type { PortalKeyset, PortalListQuery } from './list-query.ts';
import type { PortalPage, PortalStore, WriterName } from './mongo/store.ts';
import { recordNameOf, verificationOf, type DomainClaim } from './mongo/domain-claims.ts';
import { verificationChanges, type HistoryEntry } from './history.ts';
import type { HistoryKeyset } from './mongo/history-store.ts';

export const SERVER_ID_PREFIX = 'bill_prt_';

export interface PortalServiceOptions {
  clock?: () => Date;
  /** How custom-domain verification reads TXT records (DNS_SERVERS); default: the system's resolvers. */
  lookupTxt?: TxtLookup;
}

export class PortalService {
  private readonly store: PortalStore;
  private readonly clock: () => Date;
  private readonly lookupTxt: TxtLookup;

  constructor(store: PortalStore, options: PortalServiceOptions = {}) {
    this.store = store;
    this.clock = options.clock ?? (() => new Date());
    this.lookupTxt = options.lookupTxt ?? txtLookup();
  }

  /** A portal as stored (a change event's image) as the API shows it, with its domain's verification. */
  present(portal: StoredPortal): Promise<Portal> {
    return this.store.withVerification(portal);
  }

  /**
   * PUT semantics: full replacement of the portal `id`, created when absent — or, with a condition,
   * only if the portal is at the expected revision (or exists, or does not yet): else ConflictError.
   */
  async upsert(
    organizationId: string,
    id: unknown,
    input: unknown,
    condition?: WriteCondition,
    writer: WriterName = null,
  ): Promise<{ portal: Portal; created: boolean }> {
    const fields = parsePortalWrite(id, input);
    return this.store.upsert(organizationId, id as string, fields, this.now(), condition, writer);
  }

  /**
   * POST semantics: a new portal under a server-made id. With an idempotency key (checked by the door:
   * idempotencyKeyProblem), the same request again replays the portal the first one created; the same
   * key for another request is IdempotencyKeyReusedError, and while the first still runs,
   * IdempotencyKeyInUseError.
   */
  async create(
    organizationId: string,
    input: unknown,
    idempotencyKey?: string,
    writer: WriterName = null,
  ): Promise<{ portal: Portal; replayed: boolean }> {
    const fields = parsePortalInput(input);
    const now = this.now();
    const newId = `${SERVER_ID_PREFIX}${ulid()}`;
    if (idempotencyKey === undefined) {
      return { portal: await this.store.insert(organizationId, newId, fields, now, writer), replayed: false };
    }
    const keys = this.store.idempotencyKeys;
    const claim = await keys.claim(organizationId, idempotencyKey, fingerprintOf(fields), newId, now);
    // The portal as created, its domain's verification as it is now.
    if (claim.kind === 'replay') return { portal: await this.store.withVerification(claim.portal), replayed: true };
    if (claim.kind === 'reused') throw new IdempotencyKeyReusedError(idempotencyKey);
    if (claim.kind === 'inFlight') throw new IdempotencyKeyInUseError(idempotencyKey);
    let portal: Portal;
    try {
      portal = await this.insertOnce(organizationId, claim.portalId, fields, now, writer);
    } catch (error) {
      // A portal written but unconfirmed keeps the key: a retry after its lease takes that portal.
      if (!(error instanceof UnconfirmedWriteError))
        await keys.release(organizationId, idempotencyKey).catch(() => undefined);
      throw error;
    }
    await keys.complete(organizationId, idempotencyKey, portal);
    return { portal, replayed: false };
  }

  /** Inserts the portal, or, when an earlier attempt under this key already did (and died), takes that one. */
  private async insertOnce(
    organizationId: string,
    id: string,
    fields: PortalFields,
    now: Date,
    writer: WriterName,
  ): Promise<Portal> {
    try {
      return await this.store.insert(organizationId, id, fields, now, writer);
    } catch (error) {
      const existing = error instanceof ConflictError ? await this.store.findById(organizationId, id) : null;
      if (existing) return existing;
      throw error;
    }
  }

  /** The portal, or null when absent (an id that could never exist is simply absent). */
  get(organizationId: string, id: string): Promise<Portal | null> {
    return isPortalId(id) ? this.store.findById(organizationId, id) : Promise.resolve(null);
  }

  getBySlug(organizationId: string, slug: string): Promise<Portal | null> {
    return this.store.findBySlug(organizationId, slug);
  }

  /** The public storefront view's portal: active, by slug, within an organization. */
  getPublic(organizationId: string, slug: string): Promise<StoredPortal | null> {
    return this.store.findActiveBySlug(organizationId, slug);
  }

  /** The public storefront view's portal on a custom domain (a request's Host). */
  getPublicOnDomain(host: string, slug: string): Promise<StoredPortal | null> {
    const domain = host.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
    return this.store.findActiveOnDomain(domain, slug);
  }

  /** Deletes the portal (with a condition, only at the expected revision: else ConflictError). */
  async delete(
    organizationId: string,
    id: string,
    condition?: WriteCondition,
    writer: WriterName = null,
  ): Promise<void> {
    if (!isPortalId(id)) {
      if (condition?.revision !== undefined || condition?.exists === true) throw new ConflictError(id, null);
      throw new NotFoundError(id);
    }
    if (!(await this.store.delete(organizationId, id, this.now(), condition, writer))) throw new NotFoundError(id);
  }

  /**
   * Makes a portal's history complete (copies entries still waiting in an outbox) before it is read:
   * false when the organization has neither the portal nor any history of it (another's is absent too).
   */
  async openHistory(organizationId: string, id: string): Promise<boolean> {
    if (!isPortalId(id)) return false;
    const exists = await this.store.flushHistory(organizationId, id);
    return exists || (await this.store.history.count(organizationId, id)) > 0;
  }

  /** A page of a portal's history, newest first, by offset, with the number of entries; null: none (openHistory). */
  async historyPage(
    organizationId: string,
    id: string,
    offset: number,
    limit: number,
  ): Promise<{ entries: HistoryEntry[]; total: number } | null> {
    if (!(await this.openHistory(organizationId, id))) return null;
    const [entries, total] = await Promise.all([
      this.store.history.page(organizationId, id, offset, limit),
      this.store.history.count(organizationId, id),
    ]);
    return { entries, total };
  }

  /** Entries of a portal's history around keyset positions (after openHistory), newest first unless `reverse`. */
  historyByKeyset(
    organizationId: string,
    id: string,
    options: { after?: HistoryKeyset; before?: HistoryKeyset; limit: number; reverse: boolean },
  ): Promise<Array<HistoryEntry & HistoryKeyset>> {
    return this.store.history.keysetPage(organizationId, id, options);
  }

  historyCount(organizationId: string, id: string): Promise<number> {
    return this.store.history.count(organizationId, id);
  }

  /**
   * Checks DNS for the TXT record that proves the organization controls the portal's custom domain, and
   * records the outcome on the organization's claim (its portals on the domain get new revisions). Verified:
   * the portal as it now is. Not proven: DomainVerificationFailedError (recorded as failed). DNS not
   * answering: DnsUnavailableError, and nothing changes. A claim already verified is not checked again.
   */
  async verifyCustomDomain(organizationId: string, id: string, writer: WriterName = null): Promise<Portal> {
    const portal = await this.get(organizationId, id);
    if (!portal) throw new NotFoundError(id);
    const domain = portal.customDomain;
    if (!domain) {
      throw new ValidationError([
        { field: 'customDomain', message: 'is not set: there is no custom domain to verify' },
      ]);
    }
    const claim = await this.store.domainClaims.ensure(organizationId, domain, this.now());
    if (claim.status === 'verified') return portal;
    const checked = await this.check(claim);
    const changes = verificationChanges(verificationOf(claim), verificationOf(checked));
    await this.store.touchPortalsOn(organizationId, domain, { time: this.now(), apiKeyName: writer, changes });
    if (checked.status !== 'verified') {
      throw new DomainVerificationFailedError(domain, checked.failureReason ?? 'the record was not found');
    }
    return (await this.store.findById(organizationId, id)) ?? portal;
  }

  /** One DNS check of a claim, recorded: the claim as it is afterwards. */
  private async check(claim: DomainClaim): Promise<DomainClaim> {
    const name = recordNameOf(claim.domain);
    let answer: TxtAnswer;
    try {
      answer = await this.lookupTxt(name);
    } catch (error) {
      if (error instanceof DnsLookupError) throw new DnsUnavailableError(claim.domain, { cause: error });
      throw error;
    }
    if (!answer.found) return this.fail(claim, `no TXT record at ${name}`);
    if (!answer.values.includes(claim.token)) {
      return this.fail(claim, `the TXT record at ${name} does not hold this claim's token (recordValue)`);
    }
    const verified = await this.verify(claim);
    if (verified !== 'taken') return verified;
    return this.fail(claim, 'another organization has verified this domain');
  }

  /**
   * Marks the claim verified. Another organization's verified claim stands in the way only while one of
   * its portals still uses the domain; a claim left behind (a portal write interrupted before it gave
   * the domain up) is released first.
   */
  private async verify(claim: DomainClaim): Promise<DomainClaim | 'taken'> {
    const claims = this.store.domainClaims;
    for (let attempt = 1; attempt <= 2; attempt++) {
      const verified = await claims.markVerified(claim, this.now());
      if (verified === null) return this.fail(claim, 'the domain was released while it was being checked');
      if (verified !== 'taken') return verified;
      const holder = await claims.findVerified(claim.domain);
      if (holder && !(await this.store.releaseIfUnused(holder.organizationId, claim.domain, null))) return 'taken';
    }
    return 'taken';
  }

  /** Records a failed check; the claim as it is afterwards (verified meanwhile by a concurrent check, say). */
  private async fail(claim: DomainClaim, reason: string): Promise<DomainClaim> {
    const now = this.now();
    const current = await this.store.domainClaims.markFailed(claim, reason, now);
    return (
      current ?? { ...claim, status: 'failed', checkedTime: now, failureReason: 'the claim was released meanwhile' }
    );
  }

  listByOffset(organizationId: string, query: PortalListQuery, offset: number, limit: number): Promise<PortalPage> {
    return this.store.listByOffset(organizationId, query, offset, limit);
  }

  listByKeyset(
    organizationId: string,
    query: PortalListQuery,
    options: { after?: PortalKeyset; before?: PortalKeyset; limit: number; reverse: boolean },
  ): Promise<Portal[]> {
    return this.store.listByKeyset(organizationId, query, options);
  }

  count(organizationId: string, query: PortalListQuery): Promise<number> {
    return this.store.count(organizationId, query);
  }

  private now(): Date {
    // Stored and shown with millisecond precision.
    return new Date(Math.floor(this.clock().getTime()));
  }
}
