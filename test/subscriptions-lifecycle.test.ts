/**
 * How subscriptions end and recover: SIGTERM with an open stream (the stream is ended with an error
 * event, the process exits 0), a database outage (an error event, then subscriptions work again once the
 * database is back; an event id from before the embedded server's restart is answered EVENT_HISTORY_LOST).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo } from '@billing-portal/embedded-mongo';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { ApiKeys } from '../src/auth/credentials.ts';
import { schema } from '../src/graphql/schema/index.ts';
import { MongoWriteCounter } from '../src/limits/write-counter.ts';
import { PortalChangeFeed } from '../src/portals/mongo/change-feed.ts';
import { COLLECTION_NAME, PortalStore } from '../src/portals/mongo/store.ts';
import { PortalService } from '../src/portals/service.ts';
import { startStandaloneProxy } from './support/standalone-proxy.ts';
import { startServiceProcess } from './support/process.ts';
import { RELIABILITY_ORG, startOutageService } from './support/reliability.ts';
import { ORG_A, portalBody } from './support/service.ts';
import { CHANGE_FIELDS, subscribe, type Received } from './support/sse.ts';

const ALL = `subscription { billingPortalChanged { ${CHANGE_FIELDS} } }`;
const AFTER = `subscription ($after: String) { billingPortalChanged(after: $after) { ${CHANGE_FIELDS} } }`;

const dataDirs: string[] = [];
afterAll(() => Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true }))));

const put = (url: string, key: string, id: string, name = 'n') =>
  fetch(`${url}/billing-portals/${id}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'REB-APIKEY': key },
    body: JSON.stringify(portalBody({ slug: `slug-${id}`, name })),
  });

/**
 * Writes portals `${prefix}-0`, `-1`, … one after another until the subscriber receives a change (its
 * stream is then known to be open), and reads the changes of the writes after that one: the first change.
 */
async function firstChange(
  subscriber: { next(): Promise<Received | 'done'> },
  write: (id: string) => Promise<unknown>,
  prefix: string,
) {
  const pending = subscriber.next();
  let written = 0;
  while ((await Promise.race([pending, write(`${prefix}-${written++}`).then(() => undefined)])) === undefined);
  const first = await pending;
  if (first === 'done' || first.errors) throw new Error(`expected a change, got ${JSON.stringify(first)}`);
  const index = Number(String(first.data.billingPortalChanged.portalId).slice(prefix.length + 1));
  for (let i = index + 1; i < written; i++) await subscriber.next();
  return first.data.billingPortalChanged;
}

const errorCode = (result: Received | 'done') =>
  result === 'done' ? 'done' : (result.errors?.[0]?.extensions?.code as string | undefined);

const skip = !!process.env.MONGODB_URI;

describe.skipIf(skip)('subscriptions end cleanly', () => {
  it('SIGTERM: an open stream gets SHUTTING_DOWN and completes; the process exits 0', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'billing-subs-'));
    dataDirs.push(dataDir);
    const key = 'subs-key-0123456789';
    const service = await startServiceProcess({ DATA_DIR: dataDir, API_KEYS: `org-s:${key}` });
    const subscriber = subscribe(service.url, key, ALL);
    expect(await firstChange(subscriber, (id) => put(service.url, key, id), 'term')).toMatchObject({ kind: 'CREATED' });

    service.child.kill('SIGTERM');
    expect(errorCode(await subscriber.next())).toBe('SHUTTING_DOWN');
    expect(await subscriber.next()).toBe('done');
    expect(await service.exited).toBe(0);
    await subscriber.close();
  });

  it('database outage: an error event, then subscriptions work again once it is back', async () => {
    const service = await startOutageService({ dbTimeoutMs: 500 });
    try {
      const key = RELIABILITY_ORG.key;
      const subscriber = subscribe(service.url, key, ALL);
      const seen = await firstChange(subscriber, (id) => put(service.url, key, id), 'out');

      await service.stopDatabase();
      expect(errorCode(await subscriber.next())).toBe('SERVICE_UNAVAILABLE');
      expect(await subscriber.next()).toBe('done');
      await subscriber.close();

      await service.startDatabase();
      // The embedded server keeps its change history in memory: a token from before its restart is lost.
      let resumed = subscribe(service.url, key, AFTER, { after: seen.eventId });
      let answer = await resumed.next();
      // Subscribing while the client reconnects may still find it unavailable: try again, as a client would.
      while (errorCode(answer) === 'SERVICE_UNAVAILABLE') {
        await resumed.close();
        resumed = subscribe(service.url, key, AFTER, { after: seen.eventId });
        answer = await resumed.next();
      }
      expect(errorCode(answer)).toBe('EVENT_HISTORY_LOST');
      await resumed.close();

      const fresh = subscribe(service.url, key, ALL);
      const change = await firstChange(fresh, (id) => put(service.url, key, id, 'back'), 'back');
      expect(change).toMatchObject({ kind: 'CREATED', portal: { name: 'back' } });
      await fresh.close();
    } finally {
      await service.close();
    }
  });

  it('on a standalone MongoDB: a subscription gets CHANGE_STREAMS_UNSUPPORTED; everything else works', async () => {
    const embedded = await startEmbeddedMongo({ log: () => undefined });
    const standalone = await startStandaloneProxy({ host: embedded.host, port: embedded.port });
    const client = new MongoClient(standalone.uri, { serverSelectionTimeoutMS: 5000 });
    const db = client.db('standalone');
    const store = PortalStore.fromDb(db);
    await store.ensureIndexes();
    const app = await buildApp({
      schema,
      portals: new PortalService(store),
      changes: new PortalChangeFeed(db.collection(COLLECTION_NAME) as never),
      apiKeys: new ApiKeys(new Map([[ORG_A.key, ORG_A.organizationId]])),
      databaseReady: async () => true,
      writeCounter: new MongoWriteCounter(db),
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const subscriber = subscribe(url, ORG_A.key, ALL);
      const refused = await subscriber.next();
      expect(refused).not.toBe('done');
      expect((refused as Received).errors?.[0]).toMatchObject({
        message: expect.stringContaining('replica set'),
        extensions: { code: 'CHANGE_STREAMS_UNSUPPORTED' },
      });
      expect(await subscriber.next()).toBe('done');
      await subscriber.close();
      expect((await put(url, ORG_A.key, 'still-works')).status).toBe(201);
    } finally {
      await app.close();
      await client.close();
      await standalone.close();
      await embedded.close();
    }
  });
});
