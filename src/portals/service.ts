/**
 * The portal use cases: the one place that validates input, applies defaults, stamps times and decides
 * created versus updated. Both doors reach the database only through here.
 */
import { ulid } from 'ulid';
import {
  ConflictError,
  IdempotencyKeyInUseError,
  IdempotencyKeyReusedError,
  NotFoundError,
  type WriteCondition,
} from './errors.ts';
import type { PortalFields } from './fields.ts';
import { fingerprintOf } from './idempotency.ts';
import { isPortalId, parsePortalInput, parsePortalWrite, type Portal } from './model.ts';
import type { PortalKeyset, PortalListQuery } from './list-query.ts';
import type { PortalPage, PortalStore } from './mongo/store.ts';

export const SERVER_ID_PREFIX = 'bill_prt_';

export class PortalService {
  private readonly store: PortalStore;
  private readonly clock: () => Date;

  constructor(store: PortalStore, clock: () => Date = () => new Date()) {
    this.store = store;
    this.clock = clock;
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
  ): Promise<{ portal: Portal; created: boolean }> {
    const fields = parsePortalWrite(id, input);
    return this.store.upsert(organizationId, id as string, fields, this.now(), condition);
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
  ): Promise<{ portal: Portal; replayed: boolean }> {
    const fields = parsePortalInput(input);
    const now = this.now();
    const newId = `${SERVER_ID_PREFIX}${ulid()}`;
    if (idempotencyKey === undefined) {
      return { portal: await this.store.insert(organizationId, newId, fields, now), replayed: false };
    }
    const keys = this.store.idempotencyKeys;
    const claim = await keys.claim(organizationId, idempotencyKey, fingerprintOf(fields), newId, now);
    if (claim.kind === 'replay') return { portal: claim.portal, replayed: true };
    if (claim.kind === 'reused') throw new IdempotencyKeyReusedError(idempotencyKey);
    if (claim.kind === 'inFlight') throw new IdempotencyKeyInUseError(idempotencyKey);
    let portal: Portal;
    try {
      portal = await this.insertOnce(organizationId, claim.portalId, fields, now);
    } catch (error) {
      await keys.release(organizationId, idempotencyKey).catch(() => undefined);
      throw error;
    }
    await keys.complete(organizationId, idempotencyKey, portal);
    return { portal, replayed: false };
  }

  /** Inserts the portal, or, when an earlier attempt under this key already did (and died), takes that one. */
  private async insertOnce(organizationId: string, id: string, fields: PortalFields, now: Date): Promise<Portal> {
    try {
      return await this.store.insert(organizationId, id, fields, now);
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
  getPublic(organizationId: string, slug: string): Promise<Portal | null> {
    return this.store.findActiveBySlug(organizationId, slug);
  }

  /** The public storefront view's portal on a custom domain (a request's Host). */
  getPublicOnDomain(host: string, slug: string): Promise<Portal | null> {
    const domain = host.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
    return this.store.findActiveOnDomain(domain, slug);
  }

  /** Deletes the portal (with a condition, only at the expected revision: else ConflictError). */
  async delete(organizationId: string, id: string, condition?: WriteCondition): Promise<void> {
    if (!isPortalId(id)) {
      if (condition?.revision !== undefined || condition?.exists === true) throw new ConflictError(id, null);
      throw new NotFoundError(id);
    }
    if (!(await this.store.delete(organizationId, id, condition))) throw new NotFoundError(id);
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
