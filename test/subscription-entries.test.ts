/**
 * The history entry a `billingPortalChanged` event carries is the very entry the portal's history
 * stores under that revision — for creates, updates, deletes, writes that change nothing and
 * custom-domain checks, through either door — and the portal it carries shows nothing of the storage
 * (history outbox, tombstones).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './gql/index.js';
import { PortalChangeFeed, type PortalChange } from '../src/portals/mongo/change-feed.ts';
import { COLLECTION_NAME } from '../src/portals/mongo/store.ts';
import { startDnsServer, type TestDnsServer } from './support/dns-server.ts';
import { ORG_A, ORG_B, portalBody, startService, type TestService } from './support/service.ts';
import { subscribe, type Subscriber } from './support/sse.ts';

const METRICS_TOKEN = 'metrics-token-0123456789';

let dns: TestDnsServer;
let service: TestService;
beforeAll(async () => {
  dns = await startDnsServer();
  service = await startService({
    metricsToken: METRICS_TOKEN,
    settings: { writesPerMinute: 0 },
    dns: { servers: [dns.address], timeoutMs: 250, tries: 1 },
  });
});
afterAll(async () => {
  await service?.close();
  await dns?.close();
});

const ENTRY_FIELDS = 'portalId revision kind time actor { organizationId apiKeyName } changes { path before after }';
const CHANGES = `subscription ($id: ID, $after: String) {
  billingPortalChanged(id: $id, after: $after) { eventId kind portalId revision entry { ${ENTRY_FIELDS} } }
}`;

const History = graphql(`
  query SubscriptionEntryHistory($id: ID!) {
    billingPortalHistory(id: $id, first: 100) {
      edges {
        node {
          ...HistoryEntryFields
        }
      }
    }
  }
`);

const Upsert = graphql(`
  mutation SubscriptionEntryUpsert($id: ID!, $input: BillingPortalInput!) {
    upsertBillingPortal(id: $id, input: $input) {
      __typename
    }
  }
`);

const Delete = graphql(`
  mutation SubscriptionEntryDelete($id: ID!) {
    deleteBillingPortal(id: $id) {
      __typename
    }
  }
`);

const openSubscriptions = async () => {
  const response = await fetch(`${service.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  return Number(/^graphql_subscriptions_open (\d+)$/m.exec(await response.text())?.[1]);
};

const until = async (check: () => Promise<boolean>) => {
  while (!(await check())) await new Promise((resolve) => setImmediate(resolve));
};

/**
 * A subscription to one portal's changes, open (the server counts it) before the test writes. The tests
 * here hold one at a time: the one closed before is let go first, so that the count means this one.
 */
async function openSubscriber(id: string, key: string = ORG_A.key, after?: string): Promise<Subscriber> {
  await until(async () => (await openSubscriptions()) === 0);
  const subscriber = subscribe(service.url, key, CHANGES, { id, after });
  await until(async () => (await openSubscriptions()) === 1);
  return subscriber;
}

async function nextChange(subscriber: Subscriber) {
  const result = await subscriber.next();
  if (result === 'done' || result.errors) throw new Error(`expected a change, got ${JSON.stringify(result)}`);
  return result.data.billingPortalChanged;
}

/** The entry the history holds for this revision, over GraphQL and over REST (as GraphQL spells it). */
async function storedEntries(id: string, revision: string, key: string = ORG_A.key) {
  const graphQL = await service.graphql(History, { id }, { key });
  const fromGraphQL = graphQL.data!.billingPortalHistory!.edges.map((edge) => edge.node);
  const rest = await service.rest('GET', `/billing-portals/${id}/history`, { key });
  expect(rest.status).toBe(200);
  const fromRest = (rest.body as Array<{ kind: string; revision: string }>).map((entry) => ({
    ...entry,
    kind: entry.kind.toUpperCase(),
  }));
  return {
    graphQL: fromGraphQL.find((entry) => entry.revision === revision),
    rest: fromRest.find((entry) => entry.revision === revision),
  };
}

async function expectStoredEntry(change: { entry: { portalId: string; revision: string } }, key: string = ORG_A.key) {
  expect(change.entry).not.toBeNull();
  const stored = await storedEntries(change.entry.portalId, change.entry.revision, key);
  expect(change.entry).toEqual(stored.graphQL);
  expect(change.entry).toEqual(stored.rest);
}

describe('the entry of a change', () => {
  it('is the stored history entry: created, updated, unchanged and deleted through REST', async () => {
    const subscriber = await openSubscriber('entry-rest');
    const body = portalBody({ slug: 'entry-rest', name: 'One' });
    const created = await service.rest('PUT', '/billing-portals/entry-rest', { body });
    const renamed = { ...body, name: 'Two', customization: { colors: { primary: 'ff0000' } } };
    const updated = await service.rest('PUT', '/billing-portals/entry-rest', { body: renamed });
    const unchanged = await service.rest('PUT', '/billing-portals/entry-rest', { body: renamed });
    expect((await service.rest('DELETE', '/billing-portals/entry-rest')).status).toBe(204);

    const first = await nextChange(subscriber);
    expect(first).toMatchObject({
      kind: 'CREATED',
      revision: created.body.revision,
      entry: { kind: 'CREATED', revision: created.body.revision, actor: { apiKeyName: ORG_A.keyName } },
    });
    expect(first.entry.changes).toContainEqual({ path: 'name', before: null, after: 'One' });
    await expectStoredEntry(first);

    const second = await nextChange(subscriber);
    expect(second.entry).toMatchObject({ kind: 'UPDATED', revision: updated.body.revision });
    expect(second.entry.changes).toContainEqual({ path: 'name', before: 'One', after: 'Two' });
    expect(second.entry.changes).toContainEqual({
      path: 'customization.colors.primary',
      before: '0044d4',
      after: 'ff0000',
    });
    await expectStoredEntry(second);

    const third = await nextChange(subscriber);
    expect(third.entry).toMatchObject({ kind: 'UPDATED', revision: unchanged.body.revision, changes: [] });
    await expectStoredEntry(third);

    const fourth = await nextChange(subscriber);
    expect(fourth).toMatchObject({ kind: 'DELETED', revision: null, entry: { kind: 'DELETED' } });
    expect(fourth.entry.changes).toContainEqual({ path: 'name', before: 'Two', after: null });
    await expectStoredEntry(fourth);
    await subscriber.close();
  });

  it('is the stored history entry for GraphQL writes, naming an unnamed key by its fingerprint', async () => {
    const subscriber = await openSubscriber('entry-gql', ORG_B.key);
    const body = portalBody({ slug: 'entry-gql', name: 'G' });
    const write = (input: Record<string, unknown>) =>
      service.graphql(Upsert, { id: 'entry-gql', input: input as never }, { key: ORG_B.key });
    for (const input of [body, { ...body, name: 'G2' }, { ...body, name: 'G2' }]) {
      const written = await write(input);
      expect(written.data?.upsertBillingPortal.__typename, JSON.stringify(written)).toBe('UpsertBillingPortalSuccess');
    }
    await service.graphql(Delete, { id: 'entry-gql' }, { key: ORG_B.key });
    const kinds = [];
    for (let i = 0; i < 4; i++) {
      const change = await nextChange(subscriber);
      expect(change.entry.actor).toEqual({ organizationId: ORG_B.organizationId, apiKeyName: expect.any(String) });
      await expectStoredEntry(change, ORG_B.key);
      kinds.push([change.entry.kind, change.entry.changes.length > 0]);
    }
    expect(kinds).toEqual([
      ['CREATED', true],
      ['UPDATED', true],
      ['UPDATED', false],
      ['DELETED', true],
    ]);
    await subscriber.close();
  });

  it("is the stored entry of a custom-domain check, which changes the portal's verification", async () => {
    const domain = 'pay.entries.example';
    const subscriber = await openSubscriber('entry-domain');
    const portal = await service.rest('PUT', '/billing-portals/entry-domain', {
      body: portalBody({ slug: 'entry-domain', customDomain: domain }),
    });
    const verify = () => service.rest('POST', '/billing-portals/entry-domain/custom-domain/verification');
    expect((await verify()).status).toBe(422);
    dns.txt.set(`_billing-portal-verification.${domain}`, [portal.body.customDomainVerification.recordValue]);
    const verified = await verify();
    expect(verified.status).toBe(200);

    expect((await nextChange(subscriber)).entry).toMatchObject({ kind: 'CREATED' });
    const failed = await nextChange(subscriber);
    expect(failed.entry.changes).toContainEqual({
      path: 'customDomainVerification.status',
      before: 'pending',
      after: 'failed',
    });
    await expectStoredEntry(failed);
    const passed = await nextChange(subscriber);
    expect(passed).toMatchObject({ kind: 'UPDATED', revision: verified.body.revision });
    expect(passed.entry.changes).toContainEqual({
      path: 'customDomainVerification.status',
      before: 'failed',
      after: 'verified',
    });
    await expectStoredEntry(passed);
    await subscriber.close();
  });
});

describe('the entry of a missed change', () => {
  it('comes with it when a subscriber resumes after the last event it saw', async () => {
    const first = await openSubscriber('entry-resume');
    const body = portalBody({ slug: 'entry-resume', name: 'Seen' });
    await service.rest('PUT', '/billing-portals/entry-resume', { body });
    const seen = await nextChange(first);
    await first.close();
    await service.rest('PUT', '/billing-portals/entry-resume', { body: { ...body, name: 'Missed' } });
    await service.rest('DELETE', '/billing-portals/entry-resume');

    const resumed = await openSubscriber('entry-resume', ORG_A.key, seen.eventId);
    const updated = await nextChange(resumed);
    expect(updated.entry.changes).toEqual([{ path: 'name', before: 'Seen', after: 'Missed' }]);
    await expectStoredEntry(updated);
    const deleted = await nextChange(resumed);
    expect(deleted.entry).toMatchObject({ kind: 'DELETED' });
    await expectStoredEntry(deleted);
    await resumed.close();
  });
});

describe('the portal of a change', () => {
  it('holds the portal only: no history outbox, no lookup keys, no tombstone', async () => {
    const feed = new PortalChangeFeed(service.db.collection(COLLECTION_NAME) as never);
    const subscription = await feed.subscribe({ organizationId: ORG_A.organizationId, portalId: 'entry-bare' });
    await service.rest('PUT', '/billing-portals/entry-bare', { body: portalBody({ slug: 'entry-bare' }) });
    await service.rest('PUT', '/billing-portals/entry-bare', { body: portalBody({ slug: 'entry-bare', name: 'x' }) });
    await service.rest('DELETE', '/billing-portals/entry-bare');
    const changes: PortalChange[] = [];
    for await (const item of subscription) {
      if (!('portalId' in item)) throw item;
      changes.push(item);
      if (changes.length === 3) break;
    }
    expect(changes.map((change) => change.kind)).toEqual(['created', 'updated', 'deleted']);
    for (const change of changes.slice(0, 2)) {
      const keys = Object.keys(change.portal!);
      for (const internal of ['_id', 'lookup', 'historyOutbox', 'historySequence', 'deletedFrom'])
        expect(keys).not.toContain(internal);
    }
    expect(changes[2].portal).toBeNull();
    expect(changes[2].entry).toMatchObject({ kind: 'deleted', portalId: 'entry-bare' });
    await feed.close();
  });
});
