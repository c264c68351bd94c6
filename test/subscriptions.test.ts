/**
 * Live updates: `billingPortalChanged` over SSE at /graphql, read by real SSE clients. Changes written
 * through either door (and through another instance on the same database) arrive as they happen,
 * scoped to the subscriber's organization and, with `id`, to one portal.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { ApiKeys } from '../src/auth/credentials.ts';
import { schema } from '../src/graphql/schema/index.ts';
import { MongoWriteCounter } from '../src/limits/write-counter.ts';
import { PortalChangeFeed } from '../src/portals/mongo/change-feed.ts';
import { COLLECTION_NAME, PortalStore } from '../src/portals/mongo/store.ts';
import { PortalService } from '../src/portals/service.ts';
import { ORG_A, ORG_B, portalBody, startService, type TestService } from './support/service.ts';
import { CHANGE_FIELDS, eventSource, subscribe } from './support/sse.ts';

const ALL = `subscription { billingPortalChanged { ${CHANGE_FIELDS} } }`;
const ONE = `subscription ($id: ID) { billingPortalChanged(id: $id) { ${CHANGE_FIELDS} } }`;
const AFTER = `subscription ($after: String) { billingPortalChanged(after: $after) { ${CHANGE_FIELDS} } }`;

let service: TestService;
beforeAll(async () => {
  service = await startService({ metricsToken: 'metrics-token-0123456789', maxSubscriptionsPerOrg: 5 });
});
afterAll(() => service.close());

const change = async (subscriber: { next(): Promise<any> }) => {
  const result = await subscriber.next();
  if (result === 'done' || result.errors) throw new Error(`expected a change, got ${JSON.stringify(result)}`);
  return result.data.billingPortalChanged;
};

/** Subscribed for sure: a write made now reaches it (the first event proves the stream is open). */
async function openSubscriber(query = ALL, variables: Record<string, unknown> = {}, key: string = ORG_A.key) {
  const subscriber = subscribe(service.url, key, query, variables);
  return subscriber;
}

const gql = (query: string, variables: Record<string, unknown>, key: string = ORG_A.key) =>
  fetch(`${service.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'REB-APIKEY': key },
    body: JSON.stringify({ query, variables }),
  }).then((response) => response.json() as Promise<any>);

const openSubscriptions = async () => {
  const response = await fetch(`${service.url}/metrics`, {
    headers: { authorization: 'Bearer metrics-token-0123456789' },
  });
  const match = /^graphql_subscriptions_open (\d+)$/m.exec(await response.text());
  return Number(match?.[1]);
};

describe('billingPortalChanged', () => {
  it('delivers created, updated and deleted changes from the REST door, in order', async () => {
    const subscriber = await openSubscriber();
    // The stream is open once the server counts it.
    await waitUntil(async () => (await openSubscriptions()) === 1);
    const created = await service.rest('PUT', '/billing-portals/live-1', { body: portalBody({ name: 'One' }) });
    expect(created.status).toBe(201);
    expect(await change(subscriber)).toMatchObject({
      kind: 'CREATED',
      portalId: 'live-1',
      revision: created.body.revision,
      portal: { id: 'live-1', name: 'One', revision: created.body.revision },
    });
    const updated = await service.rest('PUT', '/billing-portals/live-1', {
      body: portalBody({ slug: created.body.slug, name: 'One, renamed' }),
    });
    expect(await change(subscriber)).toMatchObject({
      kind: 'UPDATED',
      portalId: 'live-1',
      revision: updated.body.revision,
      portal: { name: 'One, renamed' },
    });
    const posted = await service.rest('POST', '/billing-portals', { body: portalBody({ name: 'Posted' }) });
    expect(await change(subscriber)).toMatchObject({ kind: 'CREATED', portalId: posted.body.id });
    expect((await service.rest('DELETE', '/billing-portals/live-1')).status).toBe(204);
    const deleted = await change(subscriber);
    expect(deleted).toMatchObject({ kind: 'DELETED', portalId: 'live-1', revision: null, portal: null });
    expect(new Date(deleted.occurredTime).getTime()).toBeGreaterThan(0);
    await subscriber.close();
  });
});

describe('billingPortalChanged at the GraphQL door', () => {
  it('delivers the changes GraphQL mutations make', async () => {
    const subscriber = await openSubscriber();
    await waitUntil(async () => (await openSubscriptions()) === 1);
    const upsert = `mutation ($id: ID!, $input: BillingPortalInput!) {
      upsertBillingPortal(id: $id, input: $input) { ... on UpsertBillingPortalSuccess { billingPortal { revision } } }
    }`;
    const first = await gql(upsert, { id: 'live-gql', input: portalBody({ slug: 'live-gql', name: 'G' }) });
    expect(await change(subscriber)).toMatchObject({
      kind: 'CREATED',
      portalId: 'live-gql',
      revision: first.data.upsertBillingPortal.billingPortal.revision,
    });
    await gql(upsert, { id: 'live-gql', input: portalBody({ slug: 'live-gql', name: 'G2' }) });
    expect(await change(subscriber)).toMatchObject({ kind: 'UPDATED', portal: { name: 'G2' } });
    const created = await gql(
      `mutation ($input: BillingPortalInput!) {
        createBillingPortal(input: $input) { ... on CreateBillingPortalSuccess { billingPortal { id } } }
      }`,
      { input: portalBody({ name: 'Made' }) },
    );
    expect(await change(subscriber)).toMatchObject({
      kind: 'CREATED',
      portalId: created.data.createBillingPortal.billingPortal.id,
    });
    await gql(`mutation { deleteBillingPortal(id: "live-gql") { __typename } }`, {});
    expect(await change(subscriber)).toMatchObject({ kind: 'DELETED', portalId: 'live-gql', portal: null });
    await subscriber.close();
  });
});

describe('scope', () => {
  it("never delivers another organization's changes; with id, only that portal's", async () => {
    const everything = await openSubscriber();
    const onePortal = await openSubscriber(ONE, { id: 'scoped-2' });
    const orgB = await openSubscriber(ALL, {}, ORG_B.key);
    await waitUntil(async () => (await openSubscriptions()) === 3);
    await service.rest('PUT', '/billing-portals/scoped-b', { key: ORG_B.key, body: portalBody() });
    await service.rest('PUT', '/billing-portals/scoped-1', { body: portalBody() });
    await service.rest('PUT', '/billing-portals/scoped-2', { body: portalBody() });
    // Org B's subscriber sees only org B's portal; org A's, only org A's (scoped-b never comes first).
    expect(await change(orgB)).toMatchObject({ portalId: 'scoped-b' });
    expect(await change(everything)).toMatchObject({ portalId: 'scoped-1' });
    expect(await change(everything)).toMatchObject({ portalId: 'scoped-2' });
    expect(await change(onePortal)).toMatchObject({ portalId: 'scoped-2' });
    await service.rest('PUT', '/billing-portals/scoped-b', { key: ORG_B.key, body: portalBody({ name: 'B2' }) });
    await service.rest('PUT', '/billing-portals/scoped-2', { body: portalBody({ name: 'Two, again' }) });
    expect(await change(onePortal)).toMatchObject({ portalId: 'scoped-2', portal: { name: 'Two, again' } });
    expect(await change(everything)).toMatchObject({ portalId: 'scoped-2', portal: { name: 'Two, again' } });
    expect(await change(orgB)).toMatchObject({ portalId: 'scoped-b', portal: { name: 'B2' } });
    await Promise.all([everything, onePortal, orgB].map((s) => s.close()));
  });

  it('needs an API key, like every operation: 401', async () => {
    const anonymous = subscribe(service.url, null, ALL);
    await expect(anonymous.next()).rejects.toThrow('401');
    await anonymous.close();
    const response = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: ALL }),
    });
    expect(response.status).toBe(401);
    expect(await response.text()).toContain('UNAUTHENTICATED');
  });

  it('is held to the query limits', async () => {
    const aliases = Array.from({ length: 12 }, (_, i) => `n${i}: name`).join(' ');
    const wide = subscribe(service.url, ORG_A.key, `subscription { billingPortalChanged { portal { ${aliases} } } }`);
    const refused = await wide.next().catch((error: unknown) => error);
    expect(JSON.stringify(refused)).toContain('QUERY_LIMIT_EXCEEDED');
    await wide.close();
  });
});

describe('ending', () => {
  it('releases the subscriber when the client disconnects', async () => {
    await waitUntil(async () => (await openSubscriptions()) === 0);
    const subscriber = await openSubscriber();
    await waitUntil(async () => (await openSubscriptions()) === 1);
    await subscriber.close();
    await waitUntil(async () => (await openSubscriptions()) === 0);
    expect(await openSubscriptions()).toBe(0);
  });

  it('refuses a subscription beyond MAX_SUBSCRIPTIONS_PER_ORG (5 here) with a clear error', async () => {
    const open = await Promise.all([1, 2, 3, 4, 5].map(() => openSubscriber()));
    await waitUntil(async () => (await openSubscriptions()) === 5);
    const sixth = subscribe(service.url, ORG_A.key, ALL);
    const refused = await sixth.next();
    expect(refused).not.toBe('done');
    expect((refused as any).errors[0]).toMatchObject({
      message: expect.stringContaining('MAX_SUBSCRIPTIONS_PER_ORG'),
      extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' },
    });
    // Another organization is not affected.
    const other = await openSubscriber(ALL, {}, ORG_B.key);
    await waitUntil(async () => (await openSubscriptions()) === 6);
    await Promise.all([...open, sixth, other].map((s) => s.close()));
    await waitUntil(async () => (await openSubscriptions()) === 0);
  });
});

describe('a slow consumer', () => {
  it('is ended with SLOW_CONSUMER once its bounded queue is full; memory does not grow', async () => {
    const feed = new PortalChangeFeed(service.db.collection(COLLECTION_NAME) as never, {
      maxPerOrganization: 10,
      maxQueued: 3,
    });
    const subscription = await feed.subscribe({ organizationId: ORG_A.organizationId });
    // Never read while five changes come: the fourth overflows the queue and ends the subscription.
    for (let i = 0; i < 5; i++) await service.rest('PUT', `/billing-portals/slow-${i}`, { body: portalBody() });
    await waitUntil(async () => feed.subscriberCount === 0);
    const items = [];
    for await (const item of subscription) items.push(item);
    expect(items.slice(0, 3).map((item) => ('portalId' in item ? item.portalId : item.code))).toEqual([
      'slow-0',
      'slow-1',
      'slow-2',
    ]);
    expect(items.slice(3).map((item) => ('code' in item ? item.code : item.portalId))).toEqual(['SLOW_CONSUMER']);
    await feed.close();
  });
});

describe('resuming', () => {
  it('with `after`: the changes missed since that event, in order, then live ones', async () => {
    const first = await openSubscriber();
    await waitUntil(async () => (await openSubscriptions()) === 1);
    await service.rest('PUT', '/billing-portals/resume-1', { body: portalBody({ name: 'v1' }) });
    const seen = await change(first);
    await first.close();
    await waitUntil(async () => (await openSubscriptions()) === 0);
    // Missed while away:
    await service.rest('PUT', '/billing-portals/resume-1', { body: portalBody({ name: 'v2' }) });
    await service.rest('PUT', '/billing-portals/resume-2', { body: portalBody({ name: 'other' }) });
    await service.rest('PUT', '/billing-portals/resume-b', { key: ORG_B.key, body: portalBody() });
    await service.rest('DELETE', '/billing-portals/resume-1');

    const again = await openSubscriber(AFTER, { after: seen.eventId });
    const missed = [await change(again), await change(again), await change(again)];
    expect(missed.map((c) => [c.kind, c.portalId])).toEqual([
      ['UPDATED', 'resume-1'],
      ['CREATED', 'resume-2'],
      ['DELETED', 'resume-1'],
    ]);
    await service.rest('PUT', '/billing-portals/resume-2', { body: portalBody({ name: 'live' }) });
    expect(await change(again)).toMatchObject({ kind: 'UPDATED', portalId: 'resume-2', portal: { name: 'live' } });
    await again.close();
  });

  it('with Last-Event-ID: each SSE event has an id, and a reconnect names the last one', async () => {
    const source = eventSource(service.url, ORG_A.key, ALL);
    await source.opened;
    await waitUntil(async () => (await openSubscriptions()) === 1);
    await service.rest('PUT', '/billing-portals/sse-1', { body: portalBody({ name: 'one' }) });
    const [first] = await source.take(1);
    expect(first.id).toBe(first.data.data.billingPortalChanged.eventId);
    source.close();
    await waitUntil(async () => (await openSubscriptions()) === 0);
    await service.rest('PUT', '/billing-portals/sse-2', { body: portalBody({ name: 'two' }) });
    await service.rest('PUT', '/billing-portals/sse-1', { body: portalBody({ name: 'one again' }) });

    const resumed = eventSource(service.url, ORG_A.key, ALL, first.id);
    const missed = await resumed.take(2);
    expect(missed.map((e) => e.data.data.billingPortalChanged.portalId)).toEqual(['sse-2', 'sse-1']);
    expect(missed.every((e) => e.id === e.data.data.billingPortalChanged.eventId)).toBe(true);
    resumed.close();
  });

  it('answers an event id it never gave with a clear error', async () => {
    const subscriber = subscribe(service.url, ORG_A.key, AFTER, { after: 'not an event id' });
    const refused = await subscriber.next();
    expect((refused as any).errors[0].extensions.code).toBe('INVALID_EVENT_ID');
    await subscriber.close();
  });
});

describe('across instances', () => {
  let second: FastifyInstance;
  let secondUrl: string;
  beforeAll(async () => {
    second = await buildApp({
      schema,
      portals: new PortalService(PortalStore.fromDb(service.db)),
      changes: new PortalChangeFeed(service.db.collection(COLLECTION_NAME) as never),
      apiKeys: new ApiKeys(new Map([[ORG_A.key, ORG_A.organizationId]])),
      databaseReady: async () => true,
      writeCounter: new MongoWriteCounter(service.db),
    });
    secondUrl = await second.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => second.close());

  it('a subscriber on one instance receives the changes written through another', async () => {
    const onSecond = subscribe(secondUrl, ORG_A.key, ALL);
    const onFirst = await openSubscriber();
    await waitUntil(async () => (await openSubscriptions()) === 1);
    // The second instance's subscriber is open once a write through it reaches it.
    await fetch(`${secondUrl}/billing-portals/cross-0`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'REB-APIKEY': ORG_A.key },
      body: JSON.stringify(portalBody()),
    });
    expect(await change(onSecond)).toMatchObject({ portalId: 'cross-0' });
    expect(await change(onFirst)).toMatchObject({ portalId: 'cross-0' });
    await service.rest('PUT', '/billing-portals/cross-1', { body: portalBody({ name: 'via first' }) });
    expect(await change(onSecond)).toMatchObject({
      kind: 'CREATED',
      portalId: 'cross-1',
      portal: { name: 'via first' },
    });
    await Promise.all([onSecond.close(), onFirst.close()]);
  });
});

async function waitUntil(check: () => Promise<boolean>) {
  while (!(await check())) await new Promise((resolve) => setImmediate(resolve));
}
