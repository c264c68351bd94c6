import { lstatSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo } from '@billing-portal/embedded-mongo';
import { afterAll, describe, expect, it } from 'vitest';
import { runRefusedConfiguration, startServiceProcess } from './support/process.ts';

const dataDirs: string[] = [];
async function freshDataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'billing-data-'));
  dataDirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dataDirs.map((d) => rm(d, { recursive: true, force: true })));
});

const devKeyIn = (output: string) => /development key for organization "default": (dev_[\w-]+)/.exec(output)?.[1];

describe.skipIf(!!process.env.MONGODB_URI)('the service process on the embedded database', () => {
  it('makes a development key once, keeps portals and the key across a SIGTERM restart, exits 0', async () => {
    const dataDir = await freshDataDir();
    const first = await startServiceProcess({ DATA_DIR: dataDir });
    expect(first.output()).toMatch(
      /database: embedded MongoDB-compatible server .* GraphiQL at http:\/\/127\.0\.0\.1:\d+\/graphql/,
    );
    const key = devKeyIn(first.output());
    expect(key).toBeDefined();

    const put = await fetch(`${first.url}/billing-portals/survivor`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'REB-APIKEY': key! },
      body: JSON.stringify({ websiteId: 'w', slug: 'survivor', name: 'Survivor' }),
    });
    expect(put.status).toBe(201);
    const stored = await put.json();
    expect(first.output()).not.toContain(`"${key}"`);
    expect(first.output().split(key!).length).toBe(2); // printed once, at start-up, and in no request log

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = await startServiceProcess({ DATA_DIR: dataDir });
    expect(devKeyIn(second.output())).toBe(key);
    const read = await fetch(`${second.url}/billing-portals/survivor`, { headers: { authorization: `Bearer ${key}` } });
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual({
      ...stored,
      _links: [{ rel: 'self', href: `${second.url}/billing-portals/survivor` }],
    });
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });

  it('reaches its database through an owner-only Unix socket in DATA_DIR, and restarts after SIGKILL', async () => {
    const dataDir = path.join(await freshDataDir(), 'data');
    const socket = path.join(dataDir, 'mongod.sock');
    const modeOf = (file: string) => lstatSync(file).mode & 0o777;
    const first = await startServiceProcess({ DATA_DIR: dataDir });
    expect(first.output()).toContain(`embedded MongoDB-compatible server on Unix socket ${socket}`);
    expect(first.output()).not.toMatch(/mongodb:\/\/127\.0\.0\.1/);
    expect(lstatSync(socket).isSocket()).toBe(true);
    expect(modeOf(socket)).toBe(0o600);
    expect(modeOf(dataDir)).toBe(0o700);
    for (const name of readdirSync(dataDir)) expect([name, modeOf(path.join(dataDir, name))]).toEqual([name, 0o600]);
    const client = new MongoClient(`mongodb://${encodeURIComponent(socket)}`, { serverSelectionTimeoutMS: 5000 });
    try {
      expect(await client.db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
    } finally {
      await client.close();
    }

    first.child.kill('SIGKILL');
    await first.exited;
    expect(lstatSync(socket).isSocket()).toBe(true); // left behind by the killed process
    const second = await startServiceProcess({ DATA_DIR: dataDir });
    expect((await fetch(`${second.url}/healthz`)).status).toBe(200);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('logs JSON lines by default off a terminal, readable lines with LOG_FORMAT=pretty', async () => {
    const env = { API_KEYS: 'org-x:secret-x-123' };
    const json = await startServiceProcess({ ...env, DATA_DIR: await freshDataDir() });
    const pretty = await startServiceProcess({ ...env, DATA_DIR: await freshDataDir(), LOG_FORMAT: 'pretty' });
    for (const service of [json, pretty]) {
      await fetch(`${service.url}/healthz`, { headers: { 'x-request-id': 'logs-1' } });
      service.child.kill('SIGTERM');
      expect(await service.exited).toBe(0);
    }
    const jsonLines = json.output().trim().split('\n');
    for (const line of jsonLines) expect(() => JSON.parse(line), line).not.toThrow();
    expect(jsonLines.some((line) => JSON.parse(line).requestId === 'logs-1')).toBe(true);
    const prettyLines = pretty.output().trim().split('\n');
    expect(prettyLines.filter((line) => line.startsWith('{'))).toEqual([]);
    expect(prettyLines.some((line) => /INFO.*billing-portal service on http/.test(line))).toBe(true);
    expect(prettyLines.some((line) => /requestId.*logs-1/.test(line))).toBe(true);
  });

  it('uses API_KEYS when set, and makes no development key', async () => {
    const dataDir = await freshDataDir();
    const service = await startServiceProcess({
      DATA_DIR: dataDir,
      API_KEYS: 'org-x:secret-x-123, org-y:secret-y-456',
    });
    expect(devKeyIn(service.output())).toBeUndefined();
    const ok = await fetch(`${service.url}/organizations/org-y/billing-portals`, {
      headers: { 'REB-APIKEY': 'secret-y-456' },
    });
    expect(ok.status).toBe(200);
    const forbidden = await fetch(`${service.url}/organizations/org-x/billing-portals`, {
      headers: { 'REB-APIKEY': 'secret-y-456' },
    });
    expect(forbidden.status).toBe(403);
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  });
});

describe('configuration', () => {
  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ MONGODB_URI: 'postgres://localhost' }, 'MONGODB_URI'],
    [{ API_KEYS: 'no-colon-here' }, 'API_KEYS'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ NODE_ENV: 'production' }, 'API_KEYS'],
    [{ DB_TIMEOUT_MS: '0' }, 'DB_TIMEOUT_MS'],
    [{ HOST: '0.0.0.0' }, 'API_KEYS'],
    [{ TRUST_PROXY: 'yes' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: 'true' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '2' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '10.0.0.0/8,10.1.2.3/33' }, 'TRUST_PROXY'],
    [{ RATE_LIMIT: '-1' }, 'RATE_LIMIT'],
    [{ CORS_ORIGINS: 'https://app.example.com/' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: '*,https://app.example.com' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'app.example.com' }, 'CORS_ORIGINS'],
    [{ GRAPHQL_INTROSPECTION: 'everyone' }, 'GRAPHQL_INTROSPECTION'],
    [{ DNS_SERVERS: 'dns.google' }, 'DNS_SERVERS'],
    [{ DNS_SERVERS: '1.1.1.1:99999,8.8.8.8' }, 'DNS_SERVERS'],
    [{ DNS_TIMEOUT_MS: '0' }, 'DNS_TIMEOUT_MS'],
  ])('refuses %o with a message naming %s', async (env, variable) => {
    const { code, output } = await runRefusedConfiguration(env);
    expect(code).toBe(1);
    expect(output).toContain('Invalid configuration');
    expect(output).toContain(`${variable}:`);
  });
});

describe('start-up failures', () => {
  /** One line naming the cause and what to do, exit code 1, and no stack trace. */
  function expectOneClearLine(result: { code: number | null; output: string }, ...phrases: RegExp[]) {
    expect(result.code).toBe(1);
    const lines = result.output.trim().split('\n');
    expect(lines, result.output).toHaveLength(1);
    expect(result.output).not.toMatch(/^\s+at /m);
    for (const phrase of phrases) expect(lines[0]).toMatch(phrase);
  }

  it('names the port in use and what to do', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as net.AddressInfo;
    try {
      const result = await runRefusedConfiguration({ PORT: String(port), DATA_DIR: await freshDataDir() });
      expectOneClearLine(result, new RegExp(`127\\.0\\.0\\.1:${port} is already in use`), /set PORT/);
    } finally {
      taken.close();
    }
  });

  it.skipIf(!!process.env.MONGODB_URI)('names a data directory another service holds', async () => {
    const dataDir = await freshDataDir();
    const holder = await startEmbeddedMongo({ dataDir, log: () => undefined });
    try {
      const result = await runRefusedConfiguration({ DATA_DIR: dataDir });
      expectOneClearLine(result, new RegExp(`DATA_DIR ${dataDir} is in use`), new RegExp(`process ${process.pid}`));
    } finally {
      await holder.close();
    }
  });

  it('names an unreachable MONGODB_URI', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as net.AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const result = await runRefusedConfiguration({
      MONGODB_URI: `mongodb://127.0.0.1:${port}`,
      DB_TIMEOUT_MS: '300',
      API_KEYS: 'org-a:key-a-0123456789',
    });
    expectOneClearLine(result, /MongoDB did not answer/, /Check MONGODB_URI/);
  });

  it('names every invalid variable on one line', async () => {
    const result = await runRefusedConfiguration({ PORT: 'eighty', LOG_LEVEL: 'loud' });
    expectOneClearLine(result, /^Invalid configuration: /, /PORT: /, /LOG_LEVEL: /);
  });

  it('shows the stack trace with LOG_LEVEL=debug', async () => {
    const dataDir = await freshDataDir();
    const holder = await startEmbeddedMongo({ dataDir, log: () => undefined });
    try {
      const result = await runRefusedConfiguration({ DATA_DIR: dataDir, LOG_LEVEL: 'debug' });
      expect(result.code).toBe(1);
      expect(result.output).toMatch(/DATA_DIR .* is in use/);
      expect(result.output).toMatch(/^\s+at /m);
    } finally {
      await holder.close();
    }
  });
});
