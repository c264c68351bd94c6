/**
 * `npm run bench:stall`: how long `GET /healthz` waits while the embedded database runs a long command,
 * with that database on the service's own event loop (EMBEDDED_DB_THREAD=main, as before) and on its
 * worker thread (the default).
 *
 * Each round starts the service as `npm start` does (`src/main.ts` on the embedded database, a fresh
 * DATA_DIR), once per placement in alternating order, and through the driver on the service's Unix socket
 * runs one aggregation ($range → $unwind → $group over BENCH_STALL_UNWOUND values). While it runs, this
 * process sends /healthz at a fixed rate whether or not earlier requests have been answered (so a stall
 * shows as the many requests it delays, not as one slow sample), and records each latency; the same load
 * for 2 s before the aggregation is the control (what the machine alone adds). It prints, per placement,
 * the latencies over all rounds (p50/p99/max) idle and during the aggregation, requests that failed, the
 * aggregation's median duration, and the service's CPU time (all threads) during it. A report: it exits 0
 * whatever the numbers.
 *
 * Environment (all optional):
 *   BENCH_STALL_ROUNDS     rounds, each measuring both placements (default 3)
 *   BENCH_STALL_UNWOUND    values the aggregation unwinds and groups (default 400000)
 *   BENCH_STALL_RATE       /healthz requests per second during the aggregation (default 200)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MongoClient } from 'mongodb';
import { freePort } from './free-port.ts';

const ROUNDS = Number(process.env.BENCH_STALL_ROUNDS ?? 3);
const UNWOUND = Number(process.env.BENCH_STALL_UNWOUND ?? 400_000);
const RATE = Number(process.env.BENCH_STALL_RATE ?? 200);
const PLACEMENTS = ['main', 'worker'] as const;
type Placement = (typeof PLACEMENTS)[number];
const ROOT = new URL('..', import.meta.url).pathname;
const CLOCK_TICKS_PER_S = 100;
const IDLE_MS = 2000;

interface Latencies {
  answeredMs: number[];
  /** Requests that failed (a keep-alive connection the service closed as idle while it could not answer). */
  failed: number;
}

interface Sample {
  /** The same load for IDLE_MS before the aggregation: what the machine alone adds. */
  idle: Latencies;
  busy: Latencies;
  aggregationMs: number;
  cpuMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function healthz(port: number, agent: Agent, timeout?: number): Promise<number> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path: '/healthz', agent, timeout }, (res) => {
      res.resume();
      res.once('end', () => (res.statusCode === 200 ? resolve(performance.now() - start) : reject(res.statusCode)));
    });
    req.once('timeout', () => req.destroy());
    req.once('error', reject);
  });
}

/** User + system CPU time of a process, all its threads, in ms (Linux /proc). */
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const [utime, stime] = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .slice(11, 13)
    .map(Number);
  return ((utime + stime) * 1000) / CLOCK_TICKS_PER_S;
}

/** /healthz at RATE per second, each sent on time whether or not earlier ones were answered, until `stop()`. */
async function healthzAtRate(port: number, agent: Agent, stop: () => boolean): Promise<Latencies> {
  const requests: Promise<number | undefined>[] = [];
  for (let next = performance.now(); !stop(); next += 1000 / RATE) {
    requests.push(healthz(port, agent).catch(() => undefined));
    await sleep(Math.max(0, next + 1000 / RATE - performance.now()));
  }
  const results = await Promise.all(requests);
  const answeredMs = results.filter((ms) => ms !== undefined);
  return { answeredMs, failed: results.length - answeredMs.length };
}

async function startService(placement: Placement, dataDir: string): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      DATA_DIR: dataDir,
      API_KEYS: 'org-bench:bench-key-0123',
      LOG_LEVEL: 'warn',
      EMBEDDED_DB_THREAD: placement,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const probe = new Agent({ keepAlive: false });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service (${placement}) exited with ${child.exitCode}`);
    const up = await healthz(port, probe, 250).then(
      () => true,
      () => false,
    );
    if (up) return { child, port };
    await sleep(20);
  }
}

async function measure(placement: Placement): Promise<Sample> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stall-bench-'));
  const { child, port } = await startService(placement, dataDir);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const client = new MongoClient(`mongodb://${encodeURIComponent(join(dataDir, 'mongod.sock'))}`);
  try {
    const seed = client.db('stall-bench').collection<{ _id: number }>('seed');
    await seed.insertOne({ _id: 1 });
    for (let i = 0; i < 50; i++) await healthz(port, agent); // warm the route and the connections
    const pipeline = (n: number) => [
      { $project: { n: { $range: [0, n] } } },
      { $unwind: '$n' },
      { $group: { _id: { $mod: ['$n', 7] }, count: { $sum: 1 } } },
    ];
    await seed.aggregate(pipeline(1000)).toArray();

    const idleStart = performance.now();
    const idle = await healthzAtRate(port, agent, () => performance.now() - idleStart >= IDLE_MS);

    const cpuBefore = cpuMsOf(child.pid!);
    const start = performance.now();
    let done = false;
    const aggregation = seed
      .aggregate(pipeline(UNWOUND))
      .toArray()
      .finally(() => (done = true));
    const busy = await healthzAtRate(port, agent, () => done);
    await aggregation;
    const aggregationMs = performance.now() - start;
    return { idle, busy, aggregationMs, cpuMs: cpuMsOf(child.pid!) - cpuBefore };
  } finally {
    await client.close();
    agent.destroy();
    child.kill('SIGTERM');
    if (child.exitCode === null) await once(child, 'exit');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

async function main(): Promise<void> {
  console.log(`/healthz at ${RATE}/s during an aggregation unwinding ${UNWOUND} values; ${ROUNDS} rounds`);
  const samples: Record<Placement, Sample[]> = { main: [], worker: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    const order = round % 2 ? PLACEMENTS : [...PLACEMENTS].reverse();
    for (const placement of order) {
      const sample = await measure(placement);
      samples[placement].push(sample);
      const sorted = [...sample.busy.answeredMs].sort((a, b) => a - b);
      console.log(
        `round ${round} ${placement.padEnd(6)}: ${sorted.length} answered, ${sample.busy.failed} failed; ` +
          `p50 ${percentile(sorted, 50).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms; ` +
          `aggregation ${sample.aggregationMs.toFixed(0)} ms, service CPU ${sample.cpuMs.toFixed(0)} ms`,
      );
    }
  }
  console.log(
    '\nplacement while        answered  failed  p50 ms  p99 ms  max ms  aggregation ms  service CPU ms (medians)',
  );
  for (const placement of PLACEMENTS) {
    for (const phase of ['idle', 'busy'] as const) {
      const runs = samples[placement];
      const answered = runs.flatMap((s) => s[phase].answeredMs).sort((a, b) => a - b);
      const busyOnly = (value: (s: Sample) => number) => (phase === 'idle' ? '' : median(runs.map(value)).toFixed(0));
      const cells = [
        placement.padEnd(9),
        (phase === 'idle' ? 'idle' : 'aggregating').padEnd(11),
        String(answered.length).padStart(9),
        String(runs.reduce((sum, s) => sum + s[phase].failed, 0)).padStart(7),
        ...[50, 99, 100].map((p) => percentile(answered, p).toFixed(1).padStart(7)),
        busyOnly((s) => s.aggregationMs).padStart(15),
        busyOnly((s) => s.cpuMs).padStart(15),
      ];
      console.log(cells.join(' '));
    }
  }
}

await main();
