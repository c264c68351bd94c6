/**
 * The benchmark's peer servers (bench/peers) against the service: each peer, started as its own process
 * on an embedded database, must answer the benchmark's upsert and read as the service does, record the
 * write's history as the service does, and refuse what the service refuses — a peer that did less work
 * would flatter it in `npm run bench`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestServer, type TestServer } from '@billing-portal/embedded-mongo/testing';
import { portalFields, READ_QUERY, UPSERT_QUERY } from '../bench/operations.ts';
import { PEER_SCRIPTS, type PeerName } from '../bench/peers/scripts.ts';
import { HISTORY_COLLECTION_NAME } from '../src/portals/mongo/history-store.ts';
import { ORG_A, ORG_B, startService, type TestService } from './support/service.ts';

const API_KEYS = `${ORG_A.keyName}@${ORG_A.organizationId}:${ORG_A.key},${ORG_B.organizationId}:${ORG_B.key}`;
const PEER_NAMES = Object.keys(PEER_SCRIPTS) as PeerName[];

interface Peer {
  url: string;
  child: ChildProcess;
}

let ours: TestService;
let database: TestServer;
const peers = new Map<PeerName, Peer>();

async function startPeer(name: PeerName, uri: string): Promise<Peer> {
  const child = spawn(process.execPath, [PEER_SCRIPTS[name]], {
    env: { ...process.env, MONGODB_URI: uri, MONGODB_DB: database.db.databaseName, API_KEYS, PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`peer ${name} exited (${code}) before listening`);
  });
  const listening = new Promise<string>((resolve) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^listening (\d+)$/.exec(line);
      if (match) resolve(match[1]);
    });
  });
  const port = await Promise.race([listening, exited]);
  return { url: `http://127.0.0.1:${port}/graphql`, child };
}

beforeAll(async () => {
  [ours, database] = await Promise.all([startService(), openTestServer('bench_peers')]);
  for (const name of PEER_NAMES) peers.set(name, await startPeer(name, database.uri));
}, 60_000);

afterAll(async () => {
  for (const { child } of peers.values()) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
  }
  await database?.close();
  await ours?.close();
});

interface Answer {
  status: number;
  authenticate: string | null;
  body: { data?: any; errors?: Array<{ message: string; extensions?: { code?: string } }> };
}

async function post(url: string, body: unknown, key: string | null = ORG_A.key): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key === null ? {} : { 'REB-APIKEY': key }) },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    authenticate: response.headers.get('www-authenticate'),
    body: await response.json(),
  };
}

const upsert = (id: string, input: object) => ({ query: UPSERT_QUERY, variables: { id, input } });
const read = (id: string) => ({ query: READ_QUERY, variables: { id } });

/** A portal without its times, which differ between two servers; the times must be ISO date-times. */
function withoutTimes(portal: Record<string, unknown>) {
  const { createdTime, updatedTime, ...rest } = portal;
  expect(new Date(createdTime as string).toISOString()).toBe(createdTime);
  expect(new Date(updatedTime as string).toISOString()).toBe(updatedTime);
  return rest;
}

describe.each(PEER_NAMES)('the %s peer', (name) => {
  const id = `${name}-portal`;
  const peerUrl = () => peers.get(name)!.url;
  const oursUrl = () => `${ours.url}/graphql`;
  const input = (portalName: string) => ({ ...portalFields(id, 'web-1'), name: portalName, status: 'ACTIVE' });

  it("answers the benchmark's upsert as the service does: created, then updated with createdTime kept", async () => {
    const results = [];
    for (const [portalName, created] of [
      ['First', true],
      ['Second', false],
    ] as const) {
      const [peer, service] = await Promise.all([
        post(peerUrl(), upsert(id, input(portalName))),
        post(oursUrl(), upsert(id, input(portalName))),
      ]);
      expect(peer.status).toBe(200);
      const result = peer.body.data.upsertBillingPortal;
      expect(result.__typename).toBe('UpsertBillingPortalSuccess');
      expect(result.created).toBe(created);
      expect(withoutTimes(result.billingPortal)).toEqual(
        withoutTimes(service.body.data.upsertBillingPortal.billingPortal),
      );
      expect(result.billingPortal).toMatchObject({ name: portalName, status: 'ACTIVE' });
      results.push(result.billingPortal);
    }
    expect(results[1].createdTime).toBe(results[0].createdTime);
    // The same write path as the service's: each write's change-history entry is stored before the answer.
    const history = database.db.collection(HISTORY_COLLECTION_NAME);
    expect(await history.countDocuments({ portalId: id })).toBe(2);
  });

  it("answers the benchmark's read with every field as written, and null for another organization", async () => {
    const [peer, service] = await Promise.all([post(peerUrl(), read(id)), post(oursUrl(), read(id))]);
    expect(peer.status).toBe(200);
    expect(withoutTimes(peer.body.data.billingPortal)).toEqual(withoutTimes(service.body.data.billingPortal));
    expect(peer.body.data.billingPortal).toMatchObject({ id, name: 'Second' });
    expect((await post(peerUrl(), read(id), ORG_B.key)).body).toEqual({ data: { billingPortal: null } });
    expect((await post(peerUrl(), read('absent'))).body).toEqual({ data: { billingPortal: null } });
  });

  it.each([
    ['no key', null],
    ['an unknown key', 'not-a-known-key'],
  ])('refuses a request with %s as the service does: 401, UNAUTHENTICATED', async (_case, key) => {
    for (const body of [read(id), upsert(id, input('Refused'))]) {
      const [peer, service] = await Promise.all([post(peerUrl(), body, key), post(oursUrl(), body, key)]);
      expect(peer.status).toBe(401);
      expect(peer.authenticate).toBe('Bearer');
      expect(peer.body.data).toBeUndefined();
      expect(peer.body.errors).toHaveLength(1);
      expect(peer.body.errors![0].message).toBe(service.body.errors![0].message);
      expect(peer.body.errors![0].extensions?.code).toBe('UNAUTHENTICATED');
    }
    expect((await post(peerUrl(), read(id))).body.data.billingPortal.name).toBe('Second');
  });

  it('refuses invalid input with the same ValidationError as the service, and stores nothing', async () => {
    const invalid = {
      ...input('Invalid'),
      slug: 'no',
      customization: { colors: { primary: 'blue' } },
    };
    const badId = 'not an id';
    const [peer, service] = await Promise.all([
      post(peerUrl(), upsert(badId, invalid)),
      post(oursUrl(), upsert(badId, invalid)),
    ]);
    expect(peer.status).toBe(200);
    expect(peer.body.data.upsertBillingPortal.__typename).toBe('ValidationError');
    expect(peer.body.data.upsertBillingPortal.invalidFields.map((f: { field: string }) => f.field)).toEqual([
      'id',
      'slug',
      'customization.colors.primary',
    ]);
    expect(peer.body).toEqual(service.body);
    expect(await database.db.collection('billingPortals').countDocuments({ id: badId })).toBe(0);
  });
});
