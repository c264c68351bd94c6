/**
 * History retention: entries expire HISTORY_RETENTION_DAYS after their time (written by a service whose
 * clock is set back), removed by the database's TTL monitor (the embedded server's, here run every
 * 20 ms), while newer entries and the portal stay.
 */
import type { FastifyInstance } from 'fastify';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedMongo, type EmbeddedMongo } from '@billing-portal/embedded-mongo';
import { externalServer } from '@billing-portal/embedded-mongo/testing';
import { buildApp } from '../src/app.ts';
import { ApiKeys } from '../src/auth/credentials.ts';
import { PortalService } from '../src/portals/service.ts';
import { PortalStore } from '../src/portals/mongo/store.ts';
import { HISTORY_COLLECTION_NAME } from '../src/portals/mongo/history-store.ts';
import { MongoWriteCounter } from '../src/limits/write-counter.ts';
import { schema } from '../src/graphql/schema/index.ts';
import { waitFor } from './support/reliability.ts';
import { ORG_A, portalBody } from './support/service.ts';

const DAY_MS = 86_400_000;

describe.skipIf(externalServer)('history retention (embedded server TTL monitor)', () => {
  let server: EmbeddedMongo;
  let client: MongoClient;
  let app: FastifyInstance;
  let url: string;
  let now = Date.now();

  beforeAll(async () => {
    server = await startEmbeddedMongo({ log: () => undefined, ttlMonitorIntervalMs: 20 });
    client = new MongoClient(server.uri);
    const db = client.db('history_retention');
    const store = PortalStore.fromDb(db, undefined, { historyRetentionDays: 2 });
    await store.ensureIndexes();
    app = await buildApp({
      schema,
      portals: new PortalService(store, { clock: () => new Date(now) }),
      apiKeys: new ApiKeys(new Map([[ORG_A.key, ORG_A.organizationId]])),
      databaseReady: async () => true,
      writeCounter: new MongoWriteCounter(db),
      settings: { writesPerMinute: 0 },
    });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await client?.close();
    await server?.close();
  });

  const request = (method: string, path: string, body?: unknown) =>
    fetch(`${url}${path}`, {
      method,
      headers: { 'REB-APIKEY': ORG_A.key, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  const revisions = async (id: string) =>
    ((await (await request('GET', `/billing-portals/${id}/history`)).json()) as Array<{ revision: string }>).map(
      (entry) => entry.revision,
    );

  it('gives every entry an expiry HISTORY_RETENTION_DAYS after its time, under a TTL index', async () => {
    now = Date.now() + DAY_MS;
    await request('PUT', '/billing-portals/dated', portalBody({ slug: 'dated' }));
    const history = client.db('history_retention').collection(HISTORY_COLLECTION_NAME);
    const entry = await history.findOne({ portalId: 'dated' });
    expect(entry!.expiresAt).toEqual(new Date(now + 2 * DAY_MS));
    const indexes = await history.indexes();
    expect(indexes.find((index) => index.key.expiresAt === 1)?.expireAfterSeconds).toBe(0);
  });

  it('removes entries past their expiry, keeps newer ones and the portal', async () => {
    const body = portalBody({ slug: 'retained' });
    now = Date.now() - 3 * DAY_MS;
    await request('PUT', '/billing-portals/retained', body);
    now = Date.now() - DAY_MS;
    const recent = (await (await request('PUT', '/billing-portals/retained', { ...body, name: 'recent' })).json()) as {
      revision: string;
    };
    await waitFor(async () => (await revisions('retained')).length === 1, 5_000, 20);
    expect(await revisions('retained')).toEqual([recent.revision]);
    expect((await request('GET', '/billing-portals/retained')).status).toBe(200);
  });
});
