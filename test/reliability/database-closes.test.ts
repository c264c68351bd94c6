/**
 * A database that closes its connections cleanly (a graceful stop, not a crash): the driver's next
 * write on a pooled connection fails with Node's own EPIPE, not a driver error. The first requests
 * after it are still 503s with a problem body (GraphQL: SERVICE_UNAVAILABLE), never a 500.
 */
import type { FastifyInstance } from 'fastify';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { ApiKeys } from '../../src/auth/credentials.ts';
import { startEmbeddedMongo } from '@billing-portal/embedded-mongo';
import { PortalService } from '../../src/portals/service.ts';
import { PortalStore } from '../../src/portals/mongo/store.ts';
import { MongoWriteCounter } from '../../src/limits/write-counter.ts';
import { schema } from '../../src/graphql/schema/index.ts';
import { ORG_A } from '../support/service.ts';

const skip = !!process.env.MONGODB_URI;
let app: FastifyInstance;
let client: MongoClient;
let url: string;
const headers = { 'content-type': 'application/json', 'REB-APIKEY': ORG_A.key };

beforeAll(async () => {
  if (skip) return;
  const embedded = await startEmbeddedMongo({});
  client = new MongoClient(embedded.uri, {
    serverSelectionTimeoutMS: 500,
    connectTimeoutMS: 500,
    waitQueueTimeoutMS: 500,
  });
  await client.connect();
  const store = PortalStore.fromDb(client.db('closes'));
  await store.ensureIndexes();
  app = await buildApp({
    schema,
    portals: new PortalService(store),
    apiKeys: new ApiKeys(new Map([[ORG_A.key, ORG_A.organizationId]])),
    databaseReady: async () => false,
    writeCounter: new MongoWriteCounter(client.db('closes')),
  });
  url = await app.listen({ port: 0, host: '127.0.0.1' });
  // Warm several pooled connections, then stop the database under them.
  await Promise.all(
    Array.from({ length: 6 }, (_, i) =>
      fetch(`${url}/billing-portals/closes-${i}`, {
        method: 'PUT',
        headers,
        body: JSON.stringify({ websiteId: 'w', slug: `closes-${i}`, name: 'n' }),
      }),
    ),
  );
  await embedded.close();
});
afterAll(async () => {
  await app?.close();
  await client?.close();
});

describe.skipIf(skip)('when the database closes its connections', () => {
  it('answers the next requests at both doors with 503, not 500', async () => {
    const answers = [];
    for (let round = 0; round < 3; round += 1) {
      for (const request of [
        () => fetch(`${url}/billing-portals?limit=5`, { headers }),
        () => fetch(`${url}/billing-portals/closes-1`, { headers }),
        () =>
          fetch(`${url}/graphql`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ query: '{ billingPortal(id: "closes-1") { id } }' }),
          }),
      ]) {
        const response = await request();
        answers.push({
          status: response.status,
          type: response.headers.get('content-type'),
          body: await response.json(),
        });
      }
    }
    for (const answer of answers) {
      expect(answer.status, JSON.stringify(answer.body)).toBe(503);
      if (answer.type?.startsWith('application/problem+json')) expect(answer.body.status).toBe(503);
      else expect(answer.body.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    }
  });
});
