/**
 * `npm run bench:upsert`: the embedded server's CPU per upsert of the billing-portal service, exactly as
 * the service sends it — a `findOneAndUpdate` by `{organizationId, id}` with the service's update
 * pipeline (recordedReplacement: history outbox, sequence, literal fields), `upsert`, `returnDocument:
 * 'before'` and its projection, on a collection with the service's indexes (6 + `_id`). Half the writes
 * create a portal, half replace a seeded one (as `npm run bench`'s PUT does).
 *
 * Each server runs in its own process (src/cli.ts), so its CPU (from /proc) is the server's alone; the
 * driver's side is not counted. Memory-only and with a data directory (fsync before every reply, group
 * commit). With BENCH_COMPARE_ROOT (another checkout's packages/embedded-mongo) its server runs beside
 * this one, in alternating rounds, and the table shows before → after.
 *
 * Environment: BENCH_DURATION_MS (per cell, default 3000), BENCH_ROUNDS (default 3), BENCH_CONNECTIONS
 * (default 32), BENCH_SEED (portals created first, default 1000), BENCH_COMPARE_ROOT, BENCH_CPU_PROF=1
 * (servers run with --cpu-prof into bench/profiles/upsert/).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { MongoClient, type Collection, type Document, type IndexDescription } from 'mongodb';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const SEED = Number(process.env.BENCH_SEED ?? 1000);
const COMPARE_ROOT = process.env.BENCH_COMPARE_ROOT;
const CPU_PROF = process.env.BENCH_CPU_PROF === '1';
const TICKS_PER_SECOND = 100;

const SERVICE_ROOT = join(import.meta.dirname, '../../..');
const { PORTAL_INDEXES } = (await import(join(SERVICE_ROOT, 'src/portals/mongo/indexes.ts'))) as {
  PORTAL_INDEXES: IndexDescription[];
};
const { recordedReplacement } = (await import(join(SERVICE_ROOT, 'src/portals/mongo/history-outbox.ts'))) as {
  recordedReplacement: (fields: object, extra: object, write: object) => Document[];
};
const { parsePortalWrite } = (await import(join(SERVICE_ROOT, 'src/portals/model.ts'))) as {
  parsePortalWrite: (id: unknown, input: unknown) => Record<string, unknown> & { slug: string; websiteId: string };
};

const WEBSITES = ['web-1', 'web-2', 'web-3', 'web-4'];

const { portalFields: benchBody } = (await import(join(SERVICE_ROOT, 'bench/operations.ts'))) as {
  portalFields: (id: string, websiteId: string) => object;
};

/** The service's full portal body (as bench/service.ts sends it), validated and defaulted as the service does. */
function portalFields(id: string, websiteId: string) {
  return parsePortalWrite(id, { ...benchBody(id, websiteId), status: 'active' });
}

/** PortalStore.upsert's database call. */
function upsert(coll: Collection, organizationId: string, id: string): Promise<unknown> {
  const fields = portalFields(id, WEBSITES[id.length % WEBSITES.length]);
  const lookup = { websiteId: fields.websiteId.toLowerCase(), slug: fields.slug.toLowerCase() };
  const write = { revision: `r-${Math.random().toString(36).slice(2)}`, time: new Date(), apiKeyName: 'bench' };
  return coll.findOneAndUpdate({ organizationId, id }, recordedReplacement(fields, { lookup }, write), {
    upsert: true,
    returnDocument: 'before',
    projection: { _id: 0, lookup: 0 },
  });
}

interface Server {
  label: string;
  mode: 'memory' | 'dataDir';
  child: ChildProcess;
  client: MongoClient;
  coll: Collection;
  created: number;
  samples: Sample[];
}

/** One cell: upserts per second, the server's CPU per upsert, and the part of it spent in the kernel. */
interface Sample {
  rate: number;
  cpuUs: number;
  systemUs: number;
}

/** The process's CPU time so far, user and system, in seconds. */
function cpuSeconds(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) / TICKS_PER_SECOND, system: Number(fields[12]) / TICKS_PER_SECOND };
}

async function startServer(label: string, packageRoot: string, mode: Server['mode'], dir: string): Promise<Server> {
  const args = [join(packageRoot, 'src/cli.ts'), '--port', '0'];
  if (mode === 'dataDir') args.push('--dbpath', mkdtempSync(join(dir, `${label}-`)));
  const nodeArgs = CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${join(import.meta.dirname, 'profiles/upsert', `${label}-${mode}`)}`]
    : [];
  const child = spawn(process.execPath, [...nodeArgs, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  const uri = await new Promise<string>((ok, fail) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      lines.close();
      child.stdout!.resume();
      ok(line.trim());
    });
    child.once('exit', (code) => fail(new Error(`${label} ${mode} server exited (${code})`)));
  });
  const client = new MongoClient(uri, { maxPoolSize: CONNECTIONS * 2 });
  await client.connect();
  const coll = client.db('bench').collection('billingPortals');
  await coll.createIndexes(PORTAL_INDEXES);
  const server: Server = { label, mode, child, client, coll, created: 0, samples: [] };
  for (let i = 0; i < SEED; i += CONNECTIONS) {
    await Promise.all(
      Array.from({ length: Math.min(CONNECTIONS, SEED - i) }, (_, k) => upsert(coll, 'org-a', `p-${i + k}`)),
    );
  }
  return server;
}

/** One cell: CONNECTIONS loops of upserts, half creating a portal, half replacing a seeded one. */
async function measure(server: Server, durationMs: number): Promise<Sample> {
  const pid = server.child.pid!;
  const cpuBefore = cpuSeconds(pid);
  const started = performance.now();
  const deadline = started + durationMs;
  let ops = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, w) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const id = i % 2 === 0 ? `new-${server.created++}` : `p-${(w * 7919 + i * 104729) % SEED}`;
        await upsert(server.coll, 'org-a', id);
        ops++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = cpuSeconds(pid);
  const user = cpuAfter.user - cpuBefore.user;
  const system = cpuAfter.system - cpuBefore.system;
  return { rate: ops / seconds, cpuUs: ((user + system) / ops) * 1e6, systemUs: (system / ops) * 1e6 };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const dir = mkdtempSync(join(tmpdir(), 'bench-upsert-'));
if (CPU_PROF) mkdirSync(join(import.meta.dirname, 'profiles/upsert'), { recursive: true });
const trees: Array<[string, string]> = [['this', join(import.meta.dirname, '..')]];
if (COMPARE_ROOT) trees.unshift(['before', resolve(COMPARE_ROOT)]);
const servers: Server[] = [];
try {
  for (const mode of ['memory', 'dataDir'] as const)
    for (const [label, root] of trees) servers.push(await startServer(label, root, mode, dir));
  for (const s of servers) await measure(s, Math.min(1000, DURATION_MS));
  for (let round = 1; round <= ROUNDS; round++) {
    // Alternate the order each round so neither tree always runs first.
    const order = round % 2 ? servers : [...servers].reverse();
    for (const s of order) {
      const sample = await measure(s, DURATION_MS);
      s.samples.push(sample);
      process.stderr.write(
        `round ${round} ${s.label} ${s.mode}: ${Math.round(sample.rate)} op/s, ` +
          `${Math.round(sample.cpuUs)} µs CPU/op (${Math.round(sample.systemUs)} in the kernel)\n`,
      );
    }
  }
  console.log(
    `\nembedded server, service upsert (findOneAndUpdate + update pipeline, ${PORTAL_INDEXES.length + 1} indexes), ` +
      `${CONNECTIONS} connections, median of ${ROUNDS} rounds of ${DURATION_MS} ms, node ${process.version}`,
  );
  console.log('| tree | mode | upserts/s | server CPU µs/upsert | of which kernel |');
  console.log('|---|---|---:|---:|---:|');
  for (const s of servers) {
    const [rate, cpu, system] = (['rate', 'cpuUs', 'systemUs'] as const).map((k) => median(s.samples.map((x) => x[k])));
    console.log(`| ${s.label} | ${s.mode} | ${Math.round(rate)} | ${Math.round(cpu)} | ${Math.round(system)} |`);
  }
  if (COMPARE_ROOT) {
    for (const mode of ['memory', 'dataDir'] as const) {
      const [a, b] = ['before', 'this'].map((l) => servers.find((s) => s.label === l && s.mode === mode)!);
      // Each round's two cells ran back to back, so their ratio shares the machine's load at that time.
      const paired = b.samples.map((x, i) => x.cpuUs / a.samples[i].cpuUs);
      const best = Math.min(...b.samples.map((x) => x.cpuUs)) / Math.min(...a.samples.map((x) => x.cpuUs));
      console.log(
        `${mode}: CPU per upsert this / before = ${median(paired).toFixed(2)} (median of the rounds: ` +
          `${paired.map((r) => r.toFixed(2)).join(' ')}; least-loaded cells ${best.toFixed(2)}; goal ≤ 0.50)`,
      );
    }
  }
} finally {
  for (const s of servers) {
    await s.client.close();
    s.child.kill('SIGTERM');
    await new Promise((ok) => (s.child.exitCode === null ? s.child.once('exit', ok) : ok(undefined)));
  }
  rmSync(dir, { recursive: true, force: true });
}
