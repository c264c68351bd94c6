/**
 * Change history: every write through either door records one entry (kind, revision, time, who, and
 * the fields it changed from what to what), newest first, paginated like the list, still readable
 * after the portal is deleted, another organization's absent, and the outbox that makes it atomic
 * never shown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './gql/index.js';
import { fingerprintOf } from '../src/auth/credentials.ts';
import { startDnsServer, type TestDnsServer } from './support/dns-server.ts';
import { ORG_A, ORG_B, portalBody, startService, type TestService } from './support/service.ts';
import { HISTORY_COLLECTION_NAME } from '../src/portals/mongo/history-store.ts';

let dns: TestDnsServer;
let service: TestService;
beforeAll(async () => {
  dns = await startDnsServer();
  service = await startService({
    settings: { writesPerMinute: 0 },
    dns: { servers: [dns.address], timeoutMs: 250, tries: 1 },
  });
});
afterAll(async () => {
  await service?.close();
  await dns?.close();
});

const ACTOR_A = { organizationId: ORG_A.organizationId, apiKeyName: ORG_A.keyName };

const History = graphql(`
  query History($id: ID!, $first: Int, $after: String) {
    billingPortalHistory(id: $id, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...HistoryEntryFields
        }
      }
    }
  }
`);

const PortalWithHistory = graphql(`
  query PortalWithHistory($id: ID!) {
    billingPortal(id: $id) {
      revision
      history(first: 1) {
        totalCount
        edges {
          node {
            revision
            kind
          }
        }
      }
    }
  }
`);

const Upsert = graphql(`
  mutation HistoryUpsert($id: ID!, $input: BillingPortalInput!) {
    upsertBillingPortal(id: $id, input: $input) {
      __typename
      ... on UpsertBillingPortalSuccess {
        billingPortal {
          revision
        }
      }
    }
  }
`);

const Create = graphql(`
  mutation HistoryCreate($input: BillingPortalInput!) {
    createBillingPortal(input: $input) {
      __typename
      ... on CreateBillingPortalSuccess {
        billingPortal {
          id
          revision
        }
      }
    }
  }
`);

const Delete = graphql(`
  mutation HistoryDelete($id: ID!) {
    deleteBillingPortal(id: $id) {
      __typename
    }
  }
`);

const restHistory = (id: string, query = '', key: string = ORG_A.key) =>
  service.rest('GET', `/billing-portals/${id}/history${query}`, { key });

async function put(id: string, body: Record<string, unknown>, key: string = ORG_A.key) {
  const res = await service.rest('PUT', `/billing-portals/${id}`, { body, key });
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  return res.body;
}

describe('history of REST writes', () => {
  it('records created, updated (with field paths before → after), an unchanged write and deleted, newest first', async () => {
    const body = portalBody({ slug: 'hist-rest-1' });
    const created = await put('hist-rest-1', body);
    const colored = { ...body, customization: { colors: { primary: 'FF0000' } } };
    const updated = await put('hist-rest-1', colored);
    const again = await put('hist-rest-1', colored);
    expect((await service.rest('DELETE', '/billing-portals/hist-rest-1')).status).toBe(204);

    const res = await restHistory('hist-rest-1');
    expect(res.status).toBe(200);
    expect(res.headers.get('pagination-total')).toBe('4');
    const entries = res.body as any[];
    expect(entries.map((e) => e.kind)).toEqual(['deleted', 'updated', 'updated', 'created']);
    expect(entries.slice(1).map((e) => e.revision)).toEqual([again.revision, updated.revision, created.revision]);
    for (const entry of entries) {
      expect(entry.portalId).toBe('hist-rest-1');
      expect(entry.actor).toEqual(ACTOR_A);
      expect(Date.parse(entry.time)).not.toBeNaN();
    }
    expect(entries[2].time).toBe(updated.updatedTime);
    expect(entries[2].changes).toEqual([{ path: 'customization.colors.primary', before: '0044d4', after: 'ff0000' }]);
    // The same body again: a new revision with nothing changed.
    expect(entries[1].changes).toEqual([]);
    // Created: every field that has a value, from nothing; deleted: every value it had, to nothing.
    expect(entries[3].changes).toContainEqual({ path: 'slug', before: null, after: 'hist-rest-1' });
    expect(entries[3].changes).toContainEqual({ path: 'features.orderCancel', before: null, after: true });
    expect(entries[3].changes.map((c: any) => c.path)).not.toContain('customDomain');
    expect(entries[0].changes).toContainEqual({ path: 'customization.colors.primary', before: 'ff0000', after: null });
    expect(entries[0].changes).toContainEqual({ path: 'status', before: 'active', after: null });
    expect(entries[0].revision).not.toBe(again.revision);
  });

  it('records a POST under its server-made id, and a change of a nested group to null', async () => {
    const body = portalBody({ customization: { links: { termsOfService: 'https://example.com/tos' } } });
    const created = (await service.rest('POST', '/billing-portals', { body })).body;
    await put(created.id, { ...body, customization: null });
    const entries = (await restHistory(created.id)).body as any[];
    expect(entries.map((e) => e.kind)).toEqual(['updated', 'created']);
    expect(entries[1].revision).toBe(created.revision);
    expect(entries[0].changes).toEqual([
      { path: 'customization.links.termsOfService', before: 'https://example.com/tos', after: null },
    ]);
  });

  it('names an unnamed API key by a fingerprint, never the key', async () => {
    await put('hist-key-b', portalBody(), ORG_B.key);
    const [entry] = (await restHistory('hist-key-b', '', ORG_B.key)).body as any[];
    expect(entry.actor).toEqual({ organizationId: ORG_B.organizationId, apiKeyName: fingerprintOf(ORG_B.key) });
    expect(entry.actor.apiKeyName).toMatch(/^key-[0-9a-f]{12}$/);
    expect(JSON.stringify(entry)).not.toContain(ORG_B.key);
  });

  it('never shows the outbox: portal reads and lists carry no history fields', async () => {
    const written = await put('hist-hidden', portalBody());
    const read = (await service.rest('GET', '/billing-portals/hist-hidden')).body;
    const listed = (await service.rest('GET', '/billing-portals?limit=1000')).body as any[];
    const graphQLRead = await service.graphql(PortalWithHistory, { id: 'hist-hidden' });
    for (const shown of [written, read, listed.find((p) => p.id === 'hist-hidden')]) {
      expect(Object.keys(shown)).not.toContain('historyOutbox');
      expect(Object.keys(shown)).not.toContain('historySequence');
    }
    expect(graphQLRead.data!.billingPortal!.history.edges[0].node).toEqual({
      revision: written.revision,
      kind: 'CREATED',
    });
  });

  it('refuses bad paging parameters and answers 404 for a portal that never was', async () => {
    const bad = await restHistory('hist-rest-1', '?limit=-1&offset=x&sort=time');
    expect(bad.status).toBe(400);
    expect(bad.body.invalidFields.map((f: any) => f.field).sort()).toEqual(['limit', 'offset', 'sort']);
    expect((await restHistory('never-written')).status).toBe(404);
    expect((await restHistory('not a valid id!')).status).toBe(404);
  });
});

describe('history of custom-domain checks', () => {
  it('a check that moves the portal to a new revision records what it changed of the verification', async () => {
    const domain = 'pay.history.example';
    const portal = await put('hist-domain', portalBody({ customDomain: domain }));
    const verify = () => service.rest('POST', '/billing-portals/hist-domain/custom-domain/verification');
    expect((await verify()).status).toBe(422);
    dns.txt.set(`_billing-portal-verification.${domain}`, [portal.customDomainVerification.recordValue]);
    const verified = await verify();
    expect(verified.status).toBe(200);

    const entries = (await restHistory('hist-domain')).body as any[];
    expect(entries.map((e) => e.kind)).toEqual(['updated', 'updated', 'created']);
    expect(entries[0].revision).toBe(verified.body.revision);
    expect(entries[0].actor).toEqual(ACTOR_A);
    const checked = verified.body.customDomainVerification.checkedTime;
    expect(entries[0].changes).toEqual([
      { path: 'customDomainVerification.status', before: 'failed', after: 'verified' },
      { path: 'customDomainVerification.checkedTime', before: expect.any(String), after: checked },
      { path: 'customDomainVerification.failureReason', before: expect.any(String), after: null },
    ]);
    expect(entries[1].changes).toContainEqual({
      path: 'customDomainVerification.status',
      before: 'pending',
      after: 'failed',
    });
  });
});

describe('history of GraphQL writes', () => {
  it('records upsert, create and delete; billingPortalHistory still answers after the delete', async () => {
    const input = { websiteId: 'web-1', slug: 'hist-graphql-1', name: 'Before' };
    const first = await service.graphql(Upsert, { id: 'hist-gql-1', input });
    const second = await service.graphql(Upsert, { id: 'hist-gql-1', input: { ...input, name: 'After' } });
    const live = await service.graphql(PortalWithHistory, { id: 'hist-gql-1' });
    expect(live.data!.billingPortal!.history.totalCount).toBe(2);
    expect(await service.graphql(Delete, { id: 'hist-gql-1' })).toMatchObject({
      data: { deleteBillingPortal: { __typename: 'DeleteBillingPortalSuccess' } },
    });
    const history = (await service.graphql(History, { id: 'hist-gql-1' })).data!.billingPortalHistory!;
    expect(history.totalCount).toBe(3);
    const nodes = history.edges.map((edge) => edge.node);
    expect(nodes.map((n) => n.kind)).toEqual(['DELETED', 'UPDATED', 'CREATED']);
    const revisionOf = (r: typeof first) => (r.data!.upsertBillingPortal as any).billingPortal.revision;
    expect(nodes[1].revision).toBe(revisionOf(second));
    expect(nodes[2].revision).toBe(revisionOf(first));
    expect(nodes[1].changes).toEqual([{ path: 'name', before: 'Before', after: 'After' }]);
    expect(nodes.every((n) => n.actor.apiKeyName === ORG_A.keyName)).toBe(true);

    const created = await service.graphql(Create, { input: { ...input, slug: 'hist-graphql-2' } });
    const { id, revision } = (created.data!.createBillingPortal as any).billingPortal;
    const createdHistory = (await service.graphql(History, { id })).data!.billingPortalHistory!;
    expect(createdHistory.edges.map((e) => [e.node.kind, e.node.revision])).toEqual([['CREATED', revision]]);
  });
});

describe('tenancy', () => {
  it("another organization's history is absent: 404 over REST, null over GraphQL", async () => {
    await put('hist-tenant', portalBody());
    expect((await restHistory('hist-tenant', '', ORG_B.key)).status).toBe(404);
    const other = await service.graphql(History, { id: 'hist-tenant' }, { key: ORG_B.key });
    expect(other.data!.billingPortalHistory).toBeNull();
    const path = `/organizations/${ORG_A.organizationId}/billing-portals/hist-tenant/history`;
    expect((await service.rest('GET', path)).status).toBe(200);
    expect((await service.rest('GET', path, { key: ORG_B.key })).status).toBe(403);
    expect((await service.rest('GET', '/billing-portals/hist-tenant/history', { key: null })).status).toBe(401);
  });
});

describe('pagination', () => {
  it('REST limit/offset with Pagination-* headers, and GraphQL first/after, walk the same newest-first order', async () => {
    const revisions: string[] = [];
    for (let version = 1; version <= 5; version++) {
      revisions.unshift((await put('hist-pages', portalBody({ slug: 'hist-pages', name: `v${version}` }))).revision);
    }
    const page = await restHistory('hist-pages', '?limit=2&offset=1');
    expect(page.headers.get('pagination-total')).toBe('5');
    expect(page.headers.get('pagination-limit')).toBe('2');
    expect(page.headers.get('pagination-offset')).toBe('1');
    expect((page.body as any[]).map((e) => e.revision)).toEqual(revisions.slice(1, 3));

    const walked: string[] = [];
    let after: string | null | undefined;
    for (;;) {
      const history = (await service.graphql(History, { id: 'hist-pages', first: 2, after })).data!
        .billingPortalHistory!;
      walked.push(...history.edges.map((e) => e.node.revision));
      if (!history.pageInfo.hasNextPage) break;
      after = history.pageInfo.endCursor;
    }
    expect(walked).toEqual(revisions);
    const badCursor = await service.graphql(History, { id: 'hist-pages', first: 2, after: 'nope' });
    expect(badCursor.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('storing the entries', () => {
  const stored = (portalId: string) =>
    service.db
      .collection(HISTORY_COLLECTION_NAME)
      .find({ organizationId: ORG_A.organizationId, portalId }, { projection: { _id: 0, revision: 1, kind: 1 } })
      .toArray();

  it("stores each write's entry before answering it, concurrent writes' entries sharing inserts", async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `hist-shared-${i}`);
    const written = await Promise.all(ids.map((id) => put(id, portalBody({ slug: id }))));
    // Read straight from the collection, as soon as the answers are in: no reader has copied anything.
    for (const [i, id] of ids.entries()) {
      expect(await stored(id)).toEqual([{ revision: written[i].revision, kind: 'created' }]);
    }
  });

  it('a write stores the entry it replaced before it answers, when that entry never left its outbox', async () => {
    // A portal as a writer that died before its entry was copied leaves it: the entry only in the document.
    await put('hist-orphan-source', portalBody({ slug: 'hist-orphan-source' }));
    const document = await service.portals.findOne({ id: 'hist-orphan-source' }, { projection: { _id: 0 } });
    const orphan = {
      ...document!,
      id: 'hist-orphan',
      slug: 'hist-orphan',
      lookup: { ...document!.lookup, slug: 'hist-orphan' },
    };
    await service.portals.insertOne(orphan);
    const orphanRevision = document!.revision;
    expect(await stored('hist-orphan')).toEqual([]);

    const updated = await put('hist-orphan', portalBody({ slug: 'hist-orphan', name: 'after the crash' }));
    // Read straight from the collection: no reader has copied anything.
    expect(await stored('hist-orphan')).toContainEqual({ revision: orphanRevision, kind: 'created' });
    const history = (await restHistory('hist-orphan')).body as Array<{ revision: string }>;
    expect(history.map((entry) => entry.revision)).toEqual([updated.revision, orphanRevision]);
  });
});
