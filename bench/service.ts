/**
 * `npm run bench`: what the GraphQL and REST layers cost on top of the database.
 *
 * For each storage mode (the embedded server in memory, then with a data directory) it starts, each
 * in its own process: the embedded database (`packages/embedded-mongo/src/cli.ts`), the service exactly as
 * `npm start` runs it (`src/main.ts`, pointed at that database, rate limit off, logging silent), and
 * the baseline (`bench/baseline.ts`: bare node:http doing the same single driver call) and the peers
 * (`bench/peers/`: the GraphQL read and upsert on Mercurius and on Apollo Server, through our own
 * validation and store). It seeds the portals through the driver, then loads each operation with
 * autocannon from this process over loopback — the service's cell, its baseline's and, for the GraphQL
 * read and upsert, each peer's in alternating rounds, so drift on a shared machine touches all alike — at
 * 1 and at 32 connections, and prints one table with the ratios and the floors. It is a report: the exit
 * code is 0 whether floors are met or not.
 *
 * Environment (all optional):
 *   BENCH_DURATION_S      measured seconds per cell for the service, again for the baseline and for each peer
 *                         (default 4)
 *   BENCH_ROUNDS          alternating segments the duration is cut into (default 4); each round starts one server
 *                         further along, so a multiple of the servers measured (2, or 4 with both peers) is fairest
 *   BENCH_WARMUP_S        seconds of unmeasured load on each before a cell (default 1)
 *   BENCH_MODES           storage modes, comma-separated: memory,dataDir (default both)
 *   BENCH_PORTALS         portals seeded for every cell (default 10000)
 *   BENCH_LARGE_PORTALS   collection size of the "does a list page grow with the collection" cells
 *                         (default 100000; 0 skips them)
 *   BENCH_LARGE_MODES     modes that run the large cells (default memory)
 *   BENCH_CONNECTIONS     connection counts (default 1,32)
 *   BENCH_ONLY            only these operations, comma-separated (put,upsert,get,read,list-rest,list-graphql)
 *   BENCH_RATE_LIMIT      the service's RATE_LIMIT (default 0: off); a limit no run reaches, e.g. 1000000,
 *                         measures what the shared write budget costs every write
 *   BENCH_DB_ROOT         a checkout whose packages/embedded-mongo runs the database (default: this tree;
 *                         for when that is mid-edit)
 *   BENCH_SERVICE_ROOT    a checkout whose src/main.ts runs as the service (default: this tree; for A/B runs)
 *   METRICS_TOKEN         passed on to the service like the rest of this environment: set, the service
 *                         collects metrics (what they cost); OTEL_* likewise turns tracing on
 *   BENCH_COMPARE_ROOT    a checkout whose src/main.ts runs in the baseline's place, started like the service: every
 *                         ratio is then this service ÷ that one, in the same alternating rounds (A/B). E.g. what
 *                         the change history costs a REST PUT: `git worktree add /tmp/before <commit before it>`,
 *                         then BENCH_COMPARE_ROOT=/tmp/before BENCH_ONLY=put,upsert npm run bench (floor 0.75)
 *   BENCH_COMPARE_ENV     `NAME=value,…` set (an empty value unsets) for the compared service only; with it and no
 *                         BENCH_COMPARE_ROOT, this tree's service is compared with itself under that environment.
 *                         E.g. what metrics cost: METRICS_TOKEN=x BENCH_COMPARE_ENV=METRICS_TOKEN= npm run bench
 *   BENCH_COMPARE_FLOOR   the floor of every A/B ratio (default: 0.75 for writes, none for reads)
 *   BENCH_PEERS           peer servers measured beside the GraphQL read and upsert, comma-separated:
 *                         mercurius,apollo (default both; none in an A/B run; empty: none)
 *   BENCH_PROFILE         service | db | baseline | mercurius | apollo (comma-separated): run that process
 *                         with --cpu-prof, profiles in bench/profiles/<name>/ (summarise with
 *                         `node bench/service-profile.ts`)
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon, { type AutocannonRequest, type AutocannonResult } from 'autocannon';
import { MongoClient, type Db } from 'mongodb';
import { COLLECTION_NAME, PortalStore } from '../src/portals/mongo/store.ts';
import { freePort } from './free-port.ts';
import { ChildProcesses, cpuSeconds, firstLine, stopChild, TICKS_PER_SECOND, waitReady } from './processes.ts';
import { LIST_QUERY, portalFields, READ_QUERY, UPSERT_QUERY } from './operations.ts';
import { isPeerName, PEER_SCRIPTS, type PeerName } from './peers/scripts.ts';

const env = process.env;
const DURATION_S = Number(env.BENCH_DURATION_S ?? 4);
const WARMUP_S = Number(env.BENCH_WARMUP_S ?? 1);
const ROUNDS = Number(env.BENCH_ROUNDS ?? 4);
const MODES = (env.BENCH_MODES ?? 'memory,dataDir').split(',').filter(Boolean) as Mode[];
const PORTALS = Number(env.BENCH_PORTALS ?? 10_000);
const LARGE_PORTALS = Number(env.BENCH_LARGE_PORTALS ?? 100_000);
const LARGE_MODES = (env.BENCH_LARGE_MODES ?? 'memory').split(',').filter(Boolean);
const CONNECTIONS = (env.BENCH_CONNECTIONS ?? '1,32').split(',').map(Number);
const ONLY = env.BENCH_ONLY?.split(',').filter(Boolean);
const RATE_LIMIT = env.BENCH_RATE_LIMIT ?? '0';
const PROFILE = new Set((env.BENCH_PROFILE ?? '').split(',').filter(Boolean));
const PROFILE_DIR = join(import.meta.dirname, 'profiles');
const DB_ROOT = env.BENCH_DB_ROOT ?? join(import.meta.dirname, '..');
const SERVICE_ROOT = env.BENCH_SERVICE_ROOT ?? join(import.meta.dirname, '..');
const COMPARE_ENV = parseCompareEnv(env.BENCH_COMPARE_ENV ?? '');
const COMPARE_ROOT = env.BENCH_COMPARE_ROOT ?? (env.BENCH_COMPARE_ENV ? SERVICE_ROOT : undefined);
/** Floor of this service ÷ the compared one for writes: what a change costs them (the history) under 25%. */
const COMPARE_WRITE_FLOOR = 0.75;
/** BENCH_COMPARE_FLOOR: one floor for every operation of an A/B run instead (0.95: costs under 5%). */
const COMPARE_FLOOR = env.BENCH_COMPARE_FLOOR ? Number(env.BENCH_COMPARE_FLOOR) : undefined;
const PEERS = parsePeers(env.BENCH_PEERS ?? (COMPARE_ROOT ? '' : 'mercurius,apollo'));
/** Our GraphQL read and upsert against the faster peer: at least its throughput, at most its CPU per request. */
const PEER_FLOOR = 1;

type Mode = 'memory' | 'dataDir';

/** BENCH_COMPARE_ENV's `NAME=value,…`; an empty value stands for "unset". */
function parseCompareEnv(text: string): Record<string, string | undefined> {
  const pairs = text.split(',').filter(Boolean);
  return Object.fromEntries(
    pairs.map((pair) => {
      const equals = pair.indexOf('=');
      if (equals < 1) throw new Error(`BENCH_COMPARE_ENV: "${pair}" is not NAME=value`);
      return [pair.slice(0, equals), pair.slice(equals + 1) || undefined];
    }),
  );
}

function parsePeers(text: string): PeerName[] {
  const names = text.split(',').filter(Boolean);
  for (const name of names) {
    if (!isPeerName(name)) throw new Error(`BENCH_PEERS: "${name}" is none of ${Object.keys(PEER_SCRIPTS).join(', ')}`);
  }
  return names as PeerName[];
}

const ORGANIZATIONS = [
  { organizationId: 'org-a', key: 'bench-key-a-0123456789' },
  { organizationId: 'org-b', key: 'bench-key-b-0123456789' },
] as const;
const KEY = ORGANIZATIONS[0].key;
const WEBSITES = ['web-1', 'web-2', 'web-3', 'web-4'];
const DB_NAME = 'bench';
const SEED_EPOCH = Date.parse('2026-01-01T00:00:00.000Z');

/** Seeded portal i: alternately in org-a and org-b, websites round-robin within each organization. */
function seededPortal(i: number) {
  const organizationId = ORGANIZATIONS[i % 2].organizationId;
  const id = `p-${i}`;
  const websiteId = WEBSITES[(i >> 1) % WEBSITES.length];
  const time = new Date(SEED_EPOCH + i * 1000);
  const fields = portalFields(id, websiteId);
  return {
    ...fields,
    status: 'active',
    id,
    organizationId,
    createdTime: time,
    updatedTime: time,
    lookup: { websiteId: websiteId.toLowerCase(), slug: fields.slug.toLowerCase() },
    // As the store writes it: every write stamps a new revision.
    revision: `seed-${i}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Child processes

const children = new ChildProcesses();

/** A child whose CPU is profiled when BENCH_PROFILE names it. */
function startChild(
  name: string,
  script: string,
  childEnv: Record<string, string | undefined>,
  args: string[] = [],
): ChildProcess {
  const nodeArgs: string[] = [];
  if (PROFILE.has(name)) {
    // One file per thread; the main thread's is the largest.
    const dir = join(PROFILE_DIR, name);
    mkdirSync(dir, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
  }
  return children.start(script, childEnv, { args, nodeArgs });
}

interface Stack {
  mode: Mode;
  dataDir?: string;
  db: Db;
  client: MongoClient;
  serviceUrl: string;
  baselineUrl: string;
  processes: ChildProcess[];
  peers: Peer[];
}

interface Peer {
  name: PeerName;
  url: string;
  child: ChildProcess;
}

async function startStack(mode: Mode): Promise<Stack> {
  const dataDir = mode === 'dataDir' ? mkdtempSync(join(tmpdir(), 'bench-service-')) : undefined;
  const database = startChild('db', join(DB_ROOT, 'packages/embedded-mongo/src/cli.ts'), {}, [
    '--port',
    '0',
    ...(dataDir ? ['--dbpath', dataDir] : []),
  ]);
  const [uri] = await firstLine(database, /^mongodb:\/\/\S+/);
  const client = new MongoClient(uri);
  await client.connect();
  const db = client.db(DB_NAME);
  await PortalStore.fromDb(db).ensureIndexes();

  const apiKeys = ORGANIZATIONS.map((o) => `${o.organizationId}:${o.key}`).join(',');
  const serviceEnv = (port: number) => ({
    PORT: String(port),
    HOST: '127.0.0.1',
    MONGODB_URI: uri,
    MONGODB_DB: DB_NAME,
    API_KEYS: apiKeys,
    RATE_LIMIT,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'production',
  });
  const servicePort = await freePort();
  const service = startChild('service', join(SERVICE_ROOT, 'src/main.ts'), serviceEnv(servicePort));
  const baseline = COMPARE_ROOT ? await startCompared(serviceEnv(await freePort())) : await startBaseline(uri, apiKeys);
  const serviceUrl = `http://127.0.0.1:${servicePort}`;
  const peers: Peer[] = [];
  for (const name of PEERS) peers.push(await startPeer(name, uri, apiKeys));
  await waitReady(serviceUrl);
  return {
    mode,
    dataDir,
    db,
    client,
    serviceUrl,
    baselineUrl: baseline.url,
    processes: [service, baseline.child, database],
    peers,
  };
}

/** A peer server (bench/peers) on the same database and keys. */
async function startPeer(name: PeerName, uri: string, apiKeys: string): Promise<Peer> {
  const child = startChild(name, PEER_SCRIPTS[name], {
    MONGODB_URI: uri,
    MONGODB_DB: DB_NAME,
    API_KEYS: apiKeys,
    PORT: '0',
  });
  const [, port] = await firstLine(child, /^listening (\d+)/);
  return { name, url: `http://127.0.0.1:${port}`, child };
}

/** The bare node:http baseline doing the service's driver call. */
async function startBaseline(uri: string, apiKeys: string): Promise<{ url: string; child: ChildProcess }> {
  const child = startChild('baseline', 'bench/baseline.ts', {
    MONGODB_URI: uri,
    MONGODB_DB: DB_NAME,
    API_KEYS: apiKeys,
    PORT: '0',
  });
  const [, port] = await firstLine(child, /^listening (\d+)/);
  return { url: `http://127.0.0.1:${port}`, child };
}

/** The service of another checkout (BENCH_COMPARE_ROOT) in the baseline's place. */
async function startCompared(childEnv: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = startChild('baseline', join(COMPARE_ROOT!, 'src/main.ts'), { ...childEnv, ...COMPARE_ENV });
  const url = `http://127.0.0.1:${childEnv.PORT}`;
  await waitReady(url);
  return { url, child };
}

async function stopStack(stack: Stack): Promise<void> {
  await stopChild(stack.processes[0]);
  await stopChild(stack.processes[1]);
  for (const peer of stack.peers) await stopChild(peer.child);
  await stack.client.close();
  await stopChild(stack.processes[2]);
  if (stack.dataDir) rmSync(stack.dataDir, { recursive: true, force: true });
}

/** Tops the collection up to `total` seeded portals (p-0 … p-(total-1)). */
async function seed(db: Db, total: number): Promise<void> {
  const collection = db.collection(COLLECTION_NAME);
  const present = await collection.countDocuments({ id: { $regex: '^p-' } });
  const started = performance.now();
  const batch = 1000;
  for (let from = present; from < total; from += batch) {
    const documents = [];
    for (let i = from; i < Math.min(total, from + batch); i++) documents.push(seededPortal(i));
    await collection.insertMany(documents, { ordered: false });
  }
  if (total > present) {
    process.stderr.write(
      `  seeded ${total - present} portals (now ${total}) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
  }
}

/** Removes the portals the write cells created, so every cell sees the seeded collection. */
async function removeCreated(db: Db): Promise<void> {
  await db.collection(COLLECTION_NAME).deleteMany({ id: { $regex: '^new-' } });
}

// ---------------------------------------------------------------------------------------------
// Operations

const JSON_HEADERS = { 'content-type': 'application/json', 'reb-apikey': KEY };

interface Workload {
  /** Portals in the collection (seeded, org-a and org-b together). */
  portals: number;
  /** Unique per cell: the prefix of the ids it creates. */
  tag: string;
  /**
   * The seeded portals this server's writes update: those whose number / 2 leaves `lane` modulo `lanes`.
   * Each server updates only portals no other server writes, so that none finds another's history entry
   * in a portal (which it would then store, an extra insert the other's run left it).
   */
  lane: number;
  lanes: number;
}

const random = (n: number) => Math.floor(Math.random() * n);
/** An id of a seeded org-a portal (even numbers). */
const existingId = (portals: number) => `p-${2 * random(portals / 2)}`;
const randomWebsite = () => WEBSITES[random(WEBSITES.length)];

/** An id of a seeded org-a portal in the workload's lane. */
const laneId = ({ portals, lane, lanes }: Workload) =>
  `p-${2 * (lane + lanes * random(Math.floor((portals / 2 - 1 - lane) / lanes) + 1))}`;

/** Half creates (fresh ids), half updates (seeded ids of the server's own lane), alternating. */
function writeIds(workload: Workload): () => string {
  let n = 0;
  return () => (n++ % 2 === 0 ? `new-${workload.tag}-${n}` : laneId(workload));
}

type RequestFactory = (workload: Workload) => AutocannonRequest;

const restPut: RequestFactory = (workload) => {
  const nextId = writeIds(workload);
  return {
    method: 'PUT',
    headers: JSON_HEADERS,
    setupRequest: (request) => {
      const id = nextId();
      return {
        ...request,
        path: `/billing-portals/${id}`,
        body: JSON.stringify({ ...portalFields(id, randomWebsite()), status: 'active' }),
      };
    },
  };
};
const graphqlUpsert: RequestFactory = (workload) => {
  const nextId = writeIds(workload);
  return {
    method: 'POST',
    path: '/graphql',
    headers: JSON_HEADERS,
    setupRequest: (request) => {
      const id = nextId();
      const input = { ...portalFields(id, randomWebsite()), status: 'ACTIVE' };
      return { ...request, body: JSON.stringify({ query: UPSERT_QUERY, variables: { id, input } }) };
    },
  };
};
const restGet: RequestFactory = (workload) => ({
  method: 'GET',
  headers: { 'reb-apikey': KEY },
  setupRequest: (request) => ({ ...request, path: `/billing-portals/${existingId(workload.portals)}` }),
});
const graphqlRead: RequestFactory = (workload) => ({
  method: 'POST',
  path: '/graphql',
  headers: JSON_HEADERS,
  setupRequest: (request) => ({
    ...request,
    body: JSON.stringify({ query: READ_QUERY, variables: { id: existingId(workload.portals) } }),
  }),
});
const restList: RequestFactory = () => ({
  method: 'GET',
  headers: { 'reb-apikey': KEY },
  setupRequest: (request) => ({
    ...request,
    path: `/billing-portals?filter=websiteId:${randomWebsite()}&sort=-createdTime&limit=20`,
  }),
});
const graphqlList: RequestFactory = () => ({
  method: 'POST',
  path: '/graphql',
  headers: JSON_HEADERS,
  setupRequest: (request) => ({
    ...request,
    body: JSON.stringify({ query: LIST_QUERY, variables: { websiteId: randomWebsite() } }),
  }),
});

interface Operation {
  key: string;
  label: string;
  service: RequestFactory;
  /** The baseline request doing the same driver call. */
  baseline: RequestFactory;
  writes: boolean;
  /** Floor of service/baseline throughput at 32 connections in memory. */
  floor?: number;
  /** The request the peers are measured with (the same as the service's). */
  peer?: RequestFactory;
}

const OPERATIONS: Operation[] = [
  { key: 'get', label: 'REST GET', service: restGet, baseline: restGet, writes: false, floor: 0.9 },
  {
    key: 'read',
    label: 'GraphQL read',
    service: graphqlRead,
    baseline: restGet,
    writes: false,
    floor: 0.8,
    peer: graphqlRead,
  },
  { key: 'list-rest', label: 'REST list', service: restList, baseline: restList, writes: false },
  { key: 'list-graphql', label: 'GraphQL list', service: graphqlList, baseline: restList, writes: false },
  { key: 'put', label: 'REST PUT', service: restPut, baseline: restPut, writes: true, floor: 0.9 },
  {
    key: 'upsert',
    label: 'GraphQL upsert',
    service: graphqlUpsert,
    baseline: restPut,
    writes: true,
    floor: 0.8,
    peer: graphqlUpsert,
  },
];
const LARGE_OPERATIONS = ['get', 'read', 'list-rest', 'list-graphql'];

// ---------------------------------------------------------------------------------------------
// Measuring

interface Cell {
  rps: number;
  p50: number;
  p99: number;
  failures: number;
  /** CPU seconds per request of the server process and of the database process. */
  serverCpuPerRequest: number;
  databaseCpuPerRequest: number;
}

let cellCounter = 0;

interface Segment {
  requests: number;
  seconds: number;
  latencies: number[];
  failures: number;
  /** CPU seconds the server process (service or baseline) and the database process used. */
  serverCpu: number;
  databaseCpu: number;
}

const SETTLE_SAMPLE_MS = 100;
const SETTLE_LIMIT_MS = 3000;

/**
 * Waits until the processes are idle (at most one clock tick of CPU in a sample): autocannon stops
 * with requests still in flight, and a slow server finishing them would otherwise load the machine
 * during the next server's segment.
 */
async function settle(pids: Array<number | undefined>): Promise<void> {
  const total = () => pids.reduce<number>((sum, pid) => sum + cpuSeconds(pid), 0);
  const deadline = Date.now() + SETTLE_LIMIT_MS;
  let before = total();
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_SAMPLE_MS));
    const now = total();
    if (!(now - before > 1.5 / TICKS_PER_SECOND)) return;
    before = now;
  }
}

async function load(
  url: string,
  request: AutocannonRequest,
  connections: number,
  seconds: number,
  pids: { server?: number; database?: number } = {},
): Promise<Segment> {
  const cpuBefore = [cpuSeconds(pids.server), cpuSeconds(pids.database)];
  // autocannon's own percentiles are whole milliseconds; these keep the fraction.
  const latencies: number[] = [];
  const instance = autocannon({ url, connections, duration: seconds, timeout: 30, requests: [request] });
  instance.on('response', (_client, status, _bytes, milliseconds) => {
    if (status >= 200 && status < 300) latencies.push(milliseconds);
  });
  const result: AutocannonResult = await instance;
  return {
    requests: latencies.length,
    seconds: result.duration,
    latencies,
    failures: result.non2xx + result.errors + result.timeouts,
    serverCpu: cpuSeconds(pids.server) - cpuBefore[0],
    databaseCpu: cpuSeconds(pids.database) - cpuBefore[1],
  };
}

function summarise(segments: Segment[]): Cell {
  const latencies = segments.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const seconds = segments.reduce((sum, s) => sum + s.seconds, 0);
  const percentile = (p: number) =>
    latencies.length === 0
      ? Number.NaN
      : latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  const sum = (pick: (s: Segment) => number) => segments.reduce((total, s) => total + pick(s), 0);
  return {
    rps: latencies.length / seconds,
    p50: percentile(50),
    p99: percentile(99),
    failures: sum((s) => s.failures),
    serverCpuPerRequest: sum((s) => s.serverCpu) / latencies.length,
    databaseCpuPerRequest: sum((s) => s.databaseCpu) / latencies.length,
  };
}

/** The list begun at `start` (modulo its length) and continued round from its beginning. */
function rotated<T>(list: T[], start: number): T[] {
  const at = start % list.length;
  return [...list.slice(at), ...list.slice(0, at)];
}

/**
 * The service, its baseline and (for operations they serve) the peers under the same load, in ROUNDS
 * alternating segments (service, baseline, peers; then baseline, peers, service; …) that add up to
 * DURATION_S each, so that whatever else the machine does in the meantime falls on all alike.
 */
async function measurePair(
  stack: Stack,
  operation: Operation,
  portals: number,
  connections: number,
): Promise<{ service: Cell; baseline: Cell; peers: PeerCell[] }> {
  // Lanes by server, the same in every cell of the run: the service 0, the baseline 1, the peers 2, 3.
  const lanes = 2 + stack.peers.length;
  const workload = (lane: number): Workload => ({ portals, tag: String(++cellCounter), lane, lanes });
  const [service, baseline, database] = stack.processes;
  const peers = operation.peer ? stack.peers : [];
  const targets = [
    { url: stack.serviceUrl, factory: operation.service, pid: service.pid, lane: 0, segments: [] as Segment[] },
    {
      url: stack.baselineUrl,
      // A compared service answers what this one is asked; the bare baseline only knows REST.
      factory: COMPARE_ROOT ? operation.service : operation.baseline,
      pid: baseline.pid,
      lane: 1,
      segments: [] as Segment[],
    },
    ...peers.map((peer) => ({
      url: peer.url,
      factory: operation.peer!,
      pid: peer.child.pid,
      lane: 2 + stack.peers.indexOf(peer),
      segments: [] as Segment[],
    })),
  ];
  if (WARMUP_S > 0) {
    for (const t of targets) {
      await load(t.url, t.factory(workload(t.lane)), connections, WARMUP_S);
      await settle([t.pid, database.pid]);
    }
  }
  for (let round = 0; round < ROUNDS; round++) {
    // Each round starts one place further along: a server loaded first in a round measures lower than
    // the same server loaded later, so every server takes every place equally often.
    for (const t of rotated(targets, round)) {
      const pids = { server: t.pid, database: database.pid };
      t.segments.push(await load(t.url, t.factory(workload(t.lane)), connections, DURATION_S / ROUNDS, pids));
      await settle([t.pid, database.pid]);
    }
  }
  return {
    service: summarise(targets[0].segments),
    baseline: summarise(targets[1].segments),
    peers: peers.map((peer, i) => ({ name: peer.name, cell: summarise(targets[2 + i].segments) })),
  };
}

interface PeerCell {
  name: PeerName;
  cell: Cell;
}

interface Row {
  mode: Mode;
  operation: Operation;
  portals: number;
  connections: number;
  service: Cell;
  baseline: Cell;
  peers: PeerCell[];
}

const rows: Row[] = [];

async function runCells(stack: Stack, portals: number, operations: Operation[]): Promise<void> {
  for (const connections of CONNECTIONS) {
    for (const operation of operations) {
      const { service, baseline, peers } = await measurePair(stack, operation, portals, connections);
      if (operation.writes) await removeCreated(stack.db);
      const row: Row = { mode: stack.mode, operation, portals, connections, service, baseline, peers };
      rows.push(row);
      process.stderr.write(
        `  ${stack.mode} ${operation.label} ${portals} x${connections}: ${Math.round(service.rps)} req/s ` +
          `(baseline ${Math.round(baseline.rps)}, ratio ${(service.rps / baseline.rps).toFixed(2)}; ` +
          `CPU µs/req service ${us(service.serverCpuPerRequest)} + db ${us(service.databaseCpuPerRequest)}, ` +
          `baseline ${us(baseline.serverCpuPerRequest)} + db ${us(baseline.databaseCpuPerRequest)})` +
          `${service.failures + baseline.failures > 0 ? ` FAILURES ${service.failures}/${baseline.failures}` : ''}` +
          peers
            .map(
              ({ name, cell }) =>
                `; ${name} ${Math.round(cell.rps)} req/s (ratio ${(service.rps / cell.rps).toFixed(2)}, ` +
                `CPU µs/req ${us(cell.serverCpuPerRequest)})${cell.failures > 0 ? ` FAILURES ${cell.failures}` : ''}`,
            )
            .join('') +
          '\n',
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Report

const us = (seconds: number) => (Number.isFinite(seconds) ? String(Math.round(seconds * 1e6)) : '–');
const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const ms = (n: number) => (!Number.isFinite(n) ? '–' : n < 10 ? n.toFixed(2) : n.toFixed(0));

function printTable(): void {
  const header = [
    'storage',
    'operation',
    'portals',
    'conns',
    'req/s',
    'p50 ms',
    'p99 ms',
    'base req/s',
    'base p50',
    'base p99',
    'ratio',
    'CPU µs/req',
    'base CPU',
    'db CPU',
    'failed',
  ];
  const lines = rows.flatMap((r) => [
    [
      r.mode === 'memory' ? 'memory' : 'data dir',
      r.operation.label,
      r.portals.toLocaleString('en-US'),
      String(r.connections),
      fmt(r.service.rps),
      ms(r.service.p50),
      ms(r.service.p99),
      fmt(r.baseline.rps),
      ms(r.baseline.p50),
      ms(r.baseline.p99),
      fmt(r.service.rps / r.baseline.rps, 2),
      us(r.service.serverCpuPerRequest),
      us(r.baseline.serverCpuPerRequest),
      us(r.service.databaseCpuPerRequest),
      String(r.service.failures + r.baseline.failures),
    ],
    // A peer's row: its own figures, and ours ÷ its throughput in the ratio column.
    ...r.peers.map(({ name, cell }) => [
      '',
      `  ↳ ${name}`,
      '',
      '',
      fmt(cell.rps),
      ms(cell.p50),
      ms(cell.p99),
      '',
      '',
      '',
      fmt(r.service.rps / cell.rps, 2),
      us(cell.serverCpuPerRequest),
      '',
      us(cell.databaseCpuPerRequest),
      String(cell.failures),
    ]),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i < 2 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const l of lines) console.log(line(l));
}

function printFloors(): void {
  console.log('\nFloors (32 connections, in memory):');
  const find = (key: string, portals: number, mode: Mode = 'memory', connections = 32) =>
    rows.find(
      (r) => r.operation.key === key && r.portals === portals && r.mode === mode && r.connections === connections,
    );
  for (const operation of OPERATIONS.filter((o) => o.floor !== undefined)) {
    const row = find(operation.key, PORTALS);
    if (!row) continue;
    const floor = COMPARE_ROOT
      ? (COMPARE_FLOOR ?? (operation.writes ? COMPARE_WRITE_FLOOR : undefined))
      : operation.floor;
    if (floor === undefined) continue;
    const ratio = row.service.rps / row.baseline.rps;
    const cpu = row.service.serverCpuPerRequest / row.baseline.serverCpuPerRequest;
    console.log(
      `  ${operation.label.padEnd(15)} ${ratio.toFixed(2)} of baseline, floor ${floor.toFixed(2)}: ${ratio >= floor ? 'PASS' : 'FAIL'}` +
        ` (CPU per request: ${cpu.toFixed(1)}× the baseline's)`,
    );
  }
  for (const operation of OPERATIONS.filter((o) => o.peer)) {
    const row = find(operation.key, PORTALS);
    const faster = row?.peers.reduce<PeerCell | undefined>(
      (best, p) => (!best || p.cell.rps > best.cell.rps ? p : best),
      undefined,
    );
    if (!row || !faster) continue;
    const ratio = row.service.rps / faster.cell.rps;
    const cpu = row.service.serverCpuPerRequest / faster.cell.serverCpuPerRequest;
    console.log(
      `  ${operation.label.padEnd(15)} ${ratio.toFixed(2)} of the faster peer (${faster.name}), ` +
        `floor ${PEER_FLOOR.toFixed(2)}: ${ratio >= PEER_FLOOR ? 'PASS' : 'FAIL'}; ` +
        `CPU per request ${cpu.toFixed(2)}× its (${us(row.service.serverCpuPerRequest)} vs ` +
        `${us(faster.cell.serverCpuPerRequest)} µs), ceiling ${PEER_FLOOR.toFixed(2)}: ` +
        `${cpu <= PEER_FLOOR ? 'PASS' : 'FAIL'}`,
    );
  }
  // Cost of a request = CPU the service and the database spent on it (robust to drift between rows,
  // unlike req/s measured at different moments); req/s shown beside it.
  const cost = (cell: Cell) => cell.serverCpuPerRequest + cell.databaseCpuPerRequest;
  for (const portals of [PORTALS, LARGE_PORTALS]) {
    for (const [list, single] of [
      ['list-rest', 'get'],
      ['list-graphql', 'read'],
    ]) {
      const listRow = find(list, portals);
      const singleRow = find(single, portals);
      if (!listRow || !singleRow) continue;
      const times = cost(listRow.service) / cost(singleRow.service);
      const baselineTimes = cost(listRow.baseline) / cost(singleRow.baseline);
      console.log(
        `  ${listRow.operation.label.padEnd(15)} at ${portals.toLocaleString('en-US')} portals costs ${times.toFixed(2)}× ` +
          `a ${singleRow.operation.label} (CPU µs/req service+db ${us(cost(listRow.service))} vs ${us(cost(singleRow.service))}; ` +
          `req/s ${fmt(listRow.service.rps)} vs ${fmt(singleRow.service.rps)}; the baseline's list costs ${baselineTimes.toFixed(2)}× its GET), ` +
          `ceiling 3×: ${times <= 3 ? 'PASS' : 'FAIL'}`,
      );
    }
  }
  for (const key of ['list-rest', 'list-graphql']) {
    const small = find(key, PORTALS);
    const large = find(key, LARGE_PORTALS);
    if (!small || !large) continue;
    console.log(
      `  ${small.operation.label.padEnd(15)} cost at ${LARGE_PORTALS.toLocaleString('en-US')} ÷ at ${PORTALS.toLocaleString('en-US')} portals: ` +
        `${(cost(large.service) / cost(small.service)).toFixed(2)} (1.00: does not grow with the collection)`,
    );
  }
}

async function main(): Promise<void> {
  const operations = OPERATIONS.filter((o) => !ONLY || ONLY.includes(o.key));
  const started = performance.now();
  for (const mode of MODES) {
    process.stderr.write(`${mode}:\n`);
    const stack = await startStack(mode);
    try {
      await seed(stack.db, PORTALS);
      await runCells(stack, PORTALS, operations);
      if (LARGE_PORTALS > PORTALS && LARGE_MODES.includes(mode)) {
        const large = operations.filter((o) => LARGE_OPERATIONS.includes(o.key));
        if (large.length > 0) {
          await seed(stack.db, LARGE_PORTALS);
          await runCells(stack, LARGE_PORTALS, large);
        }
      }
    } finally {
      await stopStack(stack);
    }
  }
  if (COMPARE_ROOT) {
    const changed = env.BENCH_COMPARE_ENV ? ` with BENCH_COMPARE_ENV=${env.BENCH_COMPARE_ENV}` : '';
    console.log(`\nA/B: the baseline columns are the service of ${COMPARE_ROOT}${changed}.`);
  }
  console.log(
    `\nService vs bare node:http baseline (same driver call, same database); autocannon over loopback, ` +
      `${DURATION_S} s per cell for each in ${ROUNDS} alternating rounds after ${WARMUP_S} s warm-up; ratio = service req/s ÷ baseline req/s.\n` +
      `CPU µs/req: CPU time of the service process per request (base CPU: of the baseline process; db CPU: of the database process while the service was loaded).` +
      (PEERS.length > 0
        ? '\n↳ rows: a peer server (bench/peers) under the same request in the same rounds: its req/s, latency ' +
          'and CPU; ratio = our req/s ÷ its.'
        : ''),
  );
  console.log(
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, ${process.platform}\n`,
  );
  printTable();
  printFloors();
  console.log(`\nTotal ${((performance.now() - started) / 1000).toFixed(0)} s.`);
}

const cleanup = () => {
  children.killAll();
};
process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});
try {
  await main();
} finally {
  cleanup();
}
