import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
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

const devKeyIn = (output: string) => /development key for organization \\"default\\": (dev_[\w-]+)/.exec(output)?.[1];

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
    [{ RATE_LIMIT: '-1' }, 'RATE_LIMIT'],
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
