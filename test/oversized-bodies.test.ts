/**
 * A body over the limit is answered 413 in a form a JavaScript client can read: the service reads and drops
 * the rest of the body (up to MAX_DISCARDED_BODY_BYTES) instead of closing while the client is still
 * sending, which Node's fetch reported as a broken pipe. The service runs as its own process, as a
 * client meets it (in one process the timing hides the problem).
 */
import net from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_DISCARDED_BODY_BYTES } from '../src/http/body-limit.ts';
import { killIfRunning, startServiceProcess, type ServiceProcess } from './support/process.ts';

const KEY = 'key-a-0123456789';
let service: ServiceProcess;
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'billing-oversized-'));
  service = await startServiceProcess({ DATA_DIR: dataDir, API_KEYS: `org-a:${KEY}` });
});
afterAll(async () => {
  if (service) await killIfRunning(service);
  await rm(dataDir, { recursive: true, force: true });
});

const MiB = 1024 * 1024;
const oversized = (mib: number) => `{"name":"${'x'.repeat(mib * MiB)}"}`;

describe('a body over the limit, sent with fetch', () => {
  it.each([2, 20])('gets its 413 problem at the REST door (%i MiB, five times)', async (mib) => {
    const body = oversized(mib);
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${service.url}/billing-portals/big`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'REB-APIKEY': KEY },
        body,
      });
      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({ status: 413, title: 'Content Too Large' });
    }
  });

  it.each([2, 20])('gets its 413 GraphQL error at the GraphQL door (%i MiB, five times)', async (mib) => {
    const body = oversized(mib);
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${service.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'REB-APIKEY': KEY },
        body,
      });
      expect(response.status).toBe(413);
      const { errors } = await response.json();
      expect(errors[0].extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');
    }
  });

  it('closes at once when the declared body is beyond what it will discard', async () => {
    const { port, hostname } = new URL(service.url);
    const socket = net.connect(Number(port), hostname);
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.write(
      `PUT /billing-portals/big HTTP/1.1\r\nHost: ${hostname}\r\nREB-APIKEY: ${KEY}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${MAX_DISCARDED_BODY_BYTES + 1}\r\n\r\n{"name":"`,
    );
    await new Promise((resolve) => socket.on('close', resolve));
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer.toLowerCase()).toContain('connection: close');
  });
});
