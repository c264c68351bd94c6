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
async function openSubscriber(query = ALL, variables: Record<string, unknown> = {}, key = ORG_A.key) {
  const subscriber = subscribe(service.url, key, query, variables);
  return subscriber;
}

const gql = (query: string, variables: Record<string, unknown>, key = ORG_A.key) =>
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

async function waitUntil(check: () => Promise<boolean>) {
  while (!(await check())) await new Promise((resolve) => setImmediate(resolve));
}
