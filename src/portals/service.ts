/**
 * The portal use cases: the one place that validates input, applies defaults, stamps times and decides
 * created versus updated. Both doors reach the database only through here.
 */
import { ulid } from 'ulid';
import { ConflictError, NotFoundError, type WriteCondition } from './errors.ts';
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

  /** POST semantics: a new portal under a server-made id. */
  create(organizationId: string, input: unknown): Promise<Portal> {
    const fields = parsePortalInput(input);
    return this.store.insert(organizationId, `${SERVER_ID_PREFIX}${ulid()}`, fields, this.now());
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
