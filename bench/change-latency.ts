/**
 * `npm run bench:changes`: how long a change takes from a write on one instance to a subscriber on
 * another.
 *
 * It starts, each in its own process: the embedded database (`packages/embedded-mongo/src/cli.ts`, in
 * memory) and two services exactly as `npm start` runs them (`src/main.ts`), A and B, pointed at it.
 * N subscribers on B (graphql-sse's client, one SSE connection each, in this process) subscribe to
 * `billingPortalChanged` for organization org-a (all its portals; the default MAX_SUBSCRIPTIONS_PER_ORG
 * of 100 admits 100). Writes go to A as REST PUTs at a steady rate, open loop (each is sent on its
 * schedule, whether the one before was answered or not), each naming its portal `change <n>`; every
 * subscriber notes when the event with that name reaches it. Latency = that moment − the moment the
 * PUT was sent; also shown: − the moment A answered the PUT (negative when the event came first).
 *
 * N=1 and N=100 run in alternating rounds (1, 100, 1, 100 …), so that drift on a shared machine touches
 * both alike; each round opens its subscribers, sends warm-up writes until every one of them has
 * received one, then measures. CPU per write comes from /proc for A, B and the database.
 *
 * Environment (all optional):
 *   BENCH_SUBSCRIBERS   subscriber counts, comma-separated (default 1,100)
 *   BENCH_ROUNDS        rounds per subscriber count (default 4)
 *   BENCH_WRITES        measured writes per round (default 200)
 *   BENCH_RATE          writes per second (default 20)
 *   BENCH_PROFILE_DIR   run instance B with --cpu-prof into this directory (summarise with
 *                       `node bench/service-profile.ts <file>`)
 */
import type { ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from 'graphql-sse';
import { freePort } from './free-port.ts';
import { ChildProcesses, cpuSeconds, firstLine, stopChild, waitReady } from './processes.ts';

const env = process.env;
const SUBSCRIBER_COUNTS = (env.BENCH_SUBSCRIBERS ?? '1,100').split(',').map(Number);
const ROUNDS = Number(env.BENCH_ROUNDS ?? 4);
const WRITES = Number(env.BENCH_WRITES ?? 200);
const RATE = Number(env.BENCH_RATE ?? 20);
const ROOT = join(import.meta.dirname, '..');

const ORGANIZATION = 'org-a';
const KEY = 'bench-key-a-0123456789';
/** Portals the writes cycle through (updates after the first pass). */
const PORTALS = 10;

const SUBSCRIPTION = `subscription {
  billingPortalChanged {
    eventId kind portalId revision occurredTime
    entry { revision kind time actor { organizationId apiKeyName } changes { path before after } }
    portal { id name revision updatedTime }
  }
}`;

// ---------------------------------------------------------------------------------------------
// Processes

const children = new ChildProcesses();

async function startService(uri: string, nodeArgs: string[] = []): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = children.start(
    join(ROOT, 'src/main.ts'),
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      MONGODB_URI: uri,
      MONGODB_DB: 'bench',
      API_KEYS: `${ORGANIZATION}:${KEY}`,
      RATE_LIMIT: '0',
      LOG_LEVEL: 'silent',
      NODE_ENV: 'production',
    },
    { nodeArgs },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url);
  return { url, child };
}

// ---------------------------------------------------------------------------------------------
// Subscribers and writes

/** When each subscriber received the change with each name (performance.now()). */
type Receipts = Map<string, number>[];

interface Subscribers {
  receipts: Receipts;
  close(): void;
}

/**
 * One subscription on `url`, noting when each change arrives. Subscribes again while the instance still
 * counts the subscribers of the round before (TOO_MANY_SUBSCRIPTIONS): they go as their connections close.
 */
function subscribeOne(url: string, received: Map<string, number>, opened: () => void): { close(): void } {
  let client: Client | undefined;
  let closed = false;
  let wasOpened = false;
  const start = () => {
    if (closed) return;
    client = createClient({
      url: `${url}/graphql`,
      singleConnection: false,
      retryAttempts: 0,
      headers: { 'REB-APIKEY': KEY },
    });
    client.subscribe<{ billingPortalChanged: { portal: { name: string } | null } }>(
      { query: SUBSCRIPTION },
      {
        next: (result) => {
          const now = performance.now();
          if (result.errors) {
            if (!result.errors.some((e) => e.extensions?.code === 'TOO_MANY_SUBSCRIPTIONS'))
              console.error('subscription error:', JSON.stringify(result.errors));
            client?.dispose();
            setTimeout(start, 50);
            return;
          }
          const name = result.data?.billingPortalChanged.portal?.name;
          if (name) received.set(name, now);
          if (!wasOpened) {
            wasOpened = true;
            opened();
          }
        },
        error: (error) => {
          if (!closed) console.error('subscription failed:', error);
        },
        complete: () => undefined,
      },
    );
  };
  start();
  return {
    close: () => {
      closed = true;
      client?.dispose();
    },
  };
}

async function openSubscribers(url: string, count: number, write: (name: string) => Promise<unknown>) {
  const receipts: Receipts = [];
  const clients: Array<{ close(): void }> = [];
  let opened = 0;
  for (let i = 0; i < count; i++) {
    const received = new Map<string, number>();
    receipts.push(received);
    clients.push(subscribeOne(url, received, () => opened++));
  }
  // Open once each has received a change written after it subscribed.
  for (let warmUp = 0; opened < count; warmUp++) {
    if (warmUp > 600) throw new Error(`only ${opened} of ${count} subscribers opened`);
    await write(`warm-up ${warmUp}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    receipts,
    close: () => clients.forEach((client) => client.close()),
  } satisfies Subscribers;
}

let written = 0;
function putThrough(url: string) {
  return async (name: string) => {
    const id = `latency-${written++ % PORTALS}`;
    const response = await fetch(`${url}/billing-portals/${id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'REB-APIKEY': KEY },
      body: JSON.stringify({ websiteId: 'web-1', slug: id, name }),
    });
    if (!response.ok) throw new Error(`PUT ${id}: ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
  };
}

interface RoundResult {
  subscribers: number;
  /** Per delivered event: receipt − send, receipt − answer (ms). */
  fromSend: number[];
  fromAnswer: number[];
  missing: number;
  /** CPU seconds per write of A, B, the database, and this process (the subscribers' clients). */
  cpuPerWrite: { a: number; b: number; db: number; clients: number };
}

async function round(
  subscriberCount: number,
  round: number,
  a: { url: string; pid?: number },
  b: { url: string; pid?: number },
  dbPid: number | undefined,
): Promise<RoundResult> {
  const write = putThrough(a.url);
  const subscribers = await openSubscribers(b.url, subscriberCount, write);
  // Let the warm-up's last events arrive before the clock starts.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const sent = new Map<string, number>();
  const answered = new Map<string, number>();
  const cpuBefore = [a.pid, b.pid, dbPid].map(cpuSeconds);
  const clientsBefore = process.cpuUsage();
  const started = performance.now();
  const writes: Promise<void>[] = [];
  for (let i = 0; i < WRITES; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const name = `change ${round}-${i}`;
    sent.set(name, performance.now());
    writes.push(write(name).then(() => void answered.set(name, performance.now())));
  }
  await Promise.all(writes);
  // Every event of the round, or 10 s after the last write: whatever has not come by then is missing.
  const deadline = performance.now() + 10_000;
  const complete = () => subscribers.receipts.every((received) => [...sent.keys()].every((n) => received.has(n)));
  while (!complete() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const cpu = [a.pid, b.pid, dbPid].map((pid, i) => (cpuSeconds(pid) - cpuBefore[i]) / WRITES);
  const clients = process.cpuUsage(clientsBefore);
  subscribers.close();

  const result: RoundResult = {
    subscribers: subscriberCount,
    fromSend: [],
    fromAnswer: [],
    missing: 0,
    cpuPerWrite: { a: cpu[0], b: cpu[1], db: cpu[2], clients: (clients.user + clients.system) / 1e6 / WRITES },
  };
  for (const received of subscribers.receipts) {
    for (const [name, sentAt] of sent) {
      const at = received.get(name);
      if (at === undefined) {
        result.missing++;
        continue;
      }
      result.fromSend.push(at - sentAt);
      result.fromAnswer.push(at - answered.get(name)!);
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Report

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const ms = (value: number) => value.toFixed(1);
const µs = (seconds: number) => Math.round(seconds * 1e6).toString();

function report(results: RoundResult[]): void {
  console.log(
    '\n| subscriptions | events | p50 ms | p99 ms | max ms | p50 after answer | p99 after answer | missing | ' +
      'CPU µs/write A | B | db | clients |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const count of SUBSCRIBER_COUNTS) {
    const rounds = results.filter((r) => r.subscribers === count);
    const fromSend = rounds.flatMap((r) => r.fromSend).sort((x, y) => x - y);
    const fromAnswer = rounds.flatMap((r) => r.fromAnswer).sort((x, y) => x - y);
    const mean = (pick: (r: RoundResult) => number) => rounds.reduce((sum, r) => sum + pick(r), 0) / rounds.length;
    console.log(
      `| ${count} | ${fromSend.length} | ${ms(percentile(fromSend, 50))} | ${ms(percentile(fromSend, 99))} | ` +
        `${ms(fromSend.at(-1) ?? Number.NaN)} | ${ms(percentile(fromAnswer, 50))} | ` +
        `${ms(percentile(fromAnswer, 99))} | ${rounds.reduce((sum, r) => sum + r.missing, 0)} | ` +
        `${µs(mean((r) => r.cpuPerWrite.a))} | ${µs(mean((r) => r.cpuPerWrite.b))} | ` +
        `${µs(mean((r) => r.cpuPerWrite.db))} | ${µs(mean((r) => r.cpuPerWrite.clients))} |`,
    );
  }
}

async function main(): Promise<void> {
  const before = loadavg();
  console.error(
    `change-to-subscriber latency: ${SUBSCRIBER_COUNTS.join(' and ')} subscriptions on B, ` +
      `${ROUNDS} rounds each, ${WRITES} PUTs per round through A at ${RATE}/s; ${cpus().length} CPUs, ` +
      `load average ${before.map((l) => l.toFixed(2)).join(' ')}`,
  );
  const database = children.start(join(ROOT, 'packages/embedded-mongo/src/cli.ts'), {}, { args: ['--port', '0'] });
  const [uri] = await firstLine(database, /^mongodb:\/\/\S+/);
  const profileB = env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${env.BENCH_PROFILE_DIR}`] : [];
  const [a, b] = await Promise.all([startService(uri), startService(uri, profileB)]);
  const results: RoundResult[] = [];
  try {
    for (let r = 0; r < ROUNDS; r++) {
      for (const count of SUBSCRIBER_COUNTS) {
        const result = await round(
          count,
          r,
          { url: a.url, pid: a.child.pid },
          { url: b.url, pid: b.child.pid },
          database.pid,
        );
        const sorted = [...result.fromSend].sort((x, y) => x - y);
        console.error(
          `  round ${r + 1}, ${count} subscriptions: p50 ${ms(percentile(sorted, 50))} ms, ` +
            `p99 ${ms(percentile(sorted, 99))} ms, max ${ms(sorted.at(-1) ?? Number.NaN)} ms, ` +
            `missing ${result.missing}`,
        );
        results.push(result);
      }
    }
  } finally {
    await Promise.all([stopChild(a.child), stopChild(b.child)]);
    await stopChild(database);
  }
  report(results);
  const loads = (averages: number[]) => averages.map((load) => load.toFixed(2)).join(' ');
  console.log(`\nload average before ${loads(before)}, after ${loads(loadavg())}`);
}

process.on('SIGINT', () => {
  children.killAll();
  process.exit(130);
});

await main();
