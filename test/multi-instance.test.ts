/**
 * Three service processes on one database, as a deployment behind a load balancer runs them: the
 * embedded server started by `npm run db`'s code (or MONGODB_URI), and `node src/main.ts` three times,
 * with requests spread round-robin. Everything the instances share goes through MongoDB: the write
 * budget, idempotency keys, revisions; what each keeps to itself (the page cache) is revalidated.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killIfRunning, startServiceProcess, type ServiceProcess } from './support/process.ts';

const RATE_LIMIT = 30;
const ORGS = {
  a: { id: 'org-a', key: 'multi-key-a-0123' },
  b: { id: 'org-b', key: 'multi-key-b-0123' },
  limited: { id: 'org-limited', key: 'multi-key-l-0123' },
};
const DB_CLI = fileURLToPath(new URL('../packages/embedded-mongo/src/cli.ts', import.meta.url));

let database: ChildProcess | undefined;
let instances: ServiceProcess[] = [];

async function startDatabase(): Promise<string> {
  if (process.env.MONGODB_URI) return process.env.MONGODB_URI;
  database = spawn(process.execPath, [DB_CLI, '--port', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const [uri] = (await once(createInterface({ input: database.stdout! }), 'line')) as [string];
  return uri;
}

beforeAll(async () => {
  const uri = await startDatabase();
  const env = {
    MONGODB_URI: uri,
    MONGODB_DB: `multi_${process.pid}`,
    API_KEYS: Object.values(ORGS)
      .map((o) => `${o.id}:${o.key}`)
      .join(','),
    RATE_LIMIT: String(RATE_LIMIT),
  };
  instances = await Promise.all([1, 2, 3].map(() => startServiceProcess(env)));
}, 60_000);

afterAll(async () => {
  await Promise.all(instances.map(killIfRunning));
  if (database && database.exitCode === null) {
    database.kill('SIGTERM');
    await once(database, 'exit');
  }
});

let turn = 0;
/** The next instance, round-robin. */
const nextInstance = () => instances[turn++ % instances.length];

async function send(
  instance: ServiceProcess,
  method: string,
  path: string,
  options: { org?: keyof typeof ORGS; body?: unknown; headers?: Record<string, string> } = {},
) {
  const response = await fetch(`${instance.url}${path}`, {
    method,
    headers: {
      'REB-APIKEY': ORGS[options.org ?? 'a'].key,
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

const body = (slug: string, name = 'Shared portal') => ({ websiteId: 'web-1', slug, name });

describe('three instances on one database', () => {
  it(`grant exactly RATE_LIMIT=${RATE_LIMIT} of 90 writes for one organization between them; another is unaffected`, async () => {
    const answers = await Promise.all(
      Array.from({ length: 90 }, (_, i) =>
        send(nextInstance(), 'PUT', `/billing-portals/limited-${i % 10}`, {
          org: 'limited',
          body: body(`limited-${i % 10}`),
        }),
      ),
    );
    const accepted = answers.filter((a) => a.status === 200 || a.status === 201).length;
    const refused = answers.filter((a) => a.status === 429).length;
    expect({ accepted, refused }).toEqual({ accepted: RATE_LIMIT, refused: 90 - RATE_LIMIT });
    for (const instance of instances) {
      const other = await send(instance, 'PUT', `/billing-portals/other-${instances.indexOf(instance)}`, {
        org: 'b',
        body: body(`other-${instances.indexOf(instance)}`),
      });
      expect(other.status).toBe(201);
    }
  });

  it('an idempotent POST retried on each instance creates one portal', async () => {
    const answers = [];
    for (const instance of instances) {
      answers.push(
        await send(instance, 'POST', '/billing-portals', {
          body: body('idempotent-everywhere'),
          headers: { 'idempotency-key': 'retry-everywhere' },
        }),
      );
    }
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(answers.map((a) => a.headers.get('idempotent-replayed'))).toEqual([null, 'true', 'true']);
    const list = await send(instances[0], 'GET', '/billing-portals?filter=slug:idempotent-everywhere');
    expect(list.body).toHaveLength(1);
  });

  it('conditional PUTs from every instance with the same If-Match: exactly one wins', async () => {
    const created = await send(instances[0], 'PUT', '/billing-portals/contested', { body: body('contested') });
    const etag = created.headers.get('etag')!;
    const answers = await Promise.all(
      Array.from({ length: 9 }, (_, i) =>
        send(nextInstance(), 'PUT', '/billing-portals/contested', {
          body: body('contested', `writer ${i}`),
          headers: { 'if-match': etag },
        }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, ...Array(8).fill(412)]);
  });

  it('a list page on one instance shows a write made through another at once', async () => {
    const [a, , c] = instances;
    await send(a, 'PUT', '/billing-portals/fresh', { body: body('fresh', 'before') });
    const before = await send(c, 'GET', '/billing-portals?filter=slug:fresh');
    expect(before.body.map((p: { name: string }) => p.name)).toEqual(['before']);
    await send(a, 'PUT', '/billing-portals/fresh', { body: body('fresh', 'after') });
    const after = await send(c, 'GET', '/billing-portals?filter=slug:fresh');
    expect(after.body.map((p: { name: string }) => p.name)).toEqual(['after']);
  });
});
