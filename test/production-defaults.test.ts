/**
 * NODE_ENV=production, as `npm start` runs it: GraphiQL is off unless GRAPHIQL=true, and the schema is read
 * only with a valid key unless GRAPHQL_INTROSPECTION=public.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServiceProcess, type ServiceProcess } from './support/process.ts';

const KEY = 'key-production-0123';
const INTROSPECTION = JSON.stringify({ query: '{ __schema { queryType { name } } }' });

let dataDirs: string[] = [];
let defaults: ServiceProcess;
let opened: ServiceProcess;
beforeAll(async () => {
  dataDirs = await Promise.all([0, 1].map(() => mkdtemp(path.join(tmpdir(), 'billing-production-'))));
  const production = { NODE_ENV: 'production', API_KEYS: `org-p:${KEY}` };
  [defaults, opened] = await Promise.all([
    startServiceProcess({ ...production, DATA_DIR: dataDirs[0] }),
    startServiceProcess({ ...production, DATA_DIR: dataDirs[1], GRAPHIQL: 'true', GRAPHQL_INTROSPECTION: 'public' }),
  ]);
}, 60_000);
afterAll(async () => {
  for (const service of [defaults, opened]) {
    if (service && service.child.exitCode === null) {
      service.child.kill('SIGTERM');
      await service.exited;
    }
  }
  await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
}, 30_000);

const introspect = (service: ServiceProcess, headers: Record<string, string> = {}) =>
  fetch(`${service.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: INTROSPECTION,
  });

describe('NODE_ENV=production by default', () => {
  it('serves no GraphiQL', async () => {
    const page = await fetch(`${defaults.url}/graphql`, { headers: { accept: 'text/html' } });
    const text = await page.text();
    expect(text).not.toContain('GraphiQL');
    expect(text).not.toContain('/graphiql/assets/');
  });

  it('answers introspection only to a caller with a valid key', async () => {
    const anonymous = await introspect(defaults);
    expect(anonymous.status).toBe(401);
    expect(JSON.stringify(await anonymous.json())).not.toContain('queryType');
    const withKey = await introspect(defaults, { 'REB-APIKEY': KEY });
    expect(await withKey.json()).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });
});

describe('NODE_ENV=production with GRAPHIQL=true and GRAPHQL_INTROSPECTION=public', () => {
  it('serves GraphiQL', async () => {
    const page = await fetch(`${opened.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await page.text()).toContain('/graphiql/assets/');
  });

  it('answers introspection to anyone', async () => {
    const anonymous = await introspect(opened);
    expect(await anonymous.json()).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });
});
