/**
 * Start-up benchmark: for a start command, the time from spawn to the first `GET /healthz` answering 200,
 * the idle RSS of its whole process tree a few seconds later, and that tree (is tsx/esbuild/sh/npm in it?).
 *
 *   node bench/startup.ts [--runs N] [--idle-ms M] -- <command...>
 *   e.g. node bench/startup.ts --runs 5 -- npm start
 *
 * Each run gets a free port, a fresh DATA_DIR and its own process group, which is what is measured and
 * then stopped (SIGTERM, SIGKILL after 10 s). Linux only: it reads /proc.
 * Erasable-only TypeScript with node: built-ins, so Node 24 can run it without tsx.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort } from './free-port.ts';

const READY_TIMEOUT_MS = 30_000;
const POLL_INTERVAL_MS = 5;
const PROBE_TIMEOUT_MS = 250;
const KILL_AFTER_MS = 10_000;

interface Options {
  runs: number;
  idleMs: number;
  command: string[];
}

interface Proc {
  pid: number;
  ppid: number;
  state: string;
  comm: string;
  cmdline: string[];
  rssKiB: number;
}

interface RunResult {
  readyMs: number;
  rssKiB: number;
  tree: Proc[];
  exit: string;
}

function usage(message: string): never {
  console.error(`${message}\nusage: node bench/startup.ts [--runs N] [--idle-ms M] -- <command...>`);
  process.exit(2);
}

function parseOptions(argv: string[]): Options {
  const options: Options = { runs: 5, idleMs: 3000, command: [] };
  const positiveInt = (name: string, value: string | undefined, min: number): number => {
    const n = Number(value);
    if (value === undefined || !Number.isInteger(n) || n < min) usage(`${name} needs an integer >= ${min}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      options.command = argv.slice(i + 1);
      break;
    }
    const [name, inline] = arg.split(/=(.*)/s, 2);
    const value = (): string | undefined => inline ?? argv[++i];
    if (name === '--runs') options.runs = positiveInt(name, value(), 1);
    else if (name === '--idle-ms') options.idleMs = positiveInt(name, value(), 0);
    else usage(`unknown argument: ${arg}`);
  }
  if (options.command.length === 0) usage('no command given after --');
  return options;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The status of one GET /healthz, or undefined when it could not be had (refused, reset, timed out). */
function probe(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    // agent: false so a half-dead keep-alive socket from an earlier probe is never reused.
    const req = get({ host: '127.0.0.1', port, path: '/healthz', agent: false, timeout: PROBE_TIMEOUT_MS }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

function readProc(pid: number): (Proc & { pgrp: number }) | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may itself contain spaces or ')': split after the last ')'.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const [state, ppid, pgrp] = stat.slice(close + 2).split(' ');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (cmdline.at(-1) === '') cmdline.pop();
    return { pid, ppid: Number(ppid), pgrp: Number(pgrp), state, comm, cmdline, rssKiB: rss ? Number(rss[1]) : 0 };
  } catch {
    return undefined; // gone between readdir and read
  }
}

/** Every live (non-zombie) process whose process group is `pgid`. */
function processGroup(pgid: number): Proc[] {
  const procs: Proc[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const proc = readProc(Number(entry));
    if (proc && proc.pgrp === pgid && proc.state !== 'Z') procs.push(proc);
  }
  return procs.sort((a, b) => a.pid - b.pid);
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already empty
  }
}

let liveGroup: number | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (liveGroup !== undefined) signalGroup(liveGroup, 'SIGKILL');
    process.exit(130);
  });
}

async function run(command: string[], idleMs: number): Promise<RunResult> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'startup-bench-'));
  const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  const output: Buffer[] = [];
  let exited: string | undefined;

  const start = performance.now();
  const child = spawn(command[0], command.slice(1), { detached: true, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = signal ? `signal ${signal}` : `code ${code}`;
      resolve();
    });
    child.once('error', (error) => {
      exited = `spawn error: ${error.message}`;
      resolve();
    });
  });
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
  const pgid = child.pid;

  const stop = async (group: number): Promise<void> => {
    signalGroup(group, 'SIGTERM');
    const deadline = performance.now() + KILL_AFTER_MS;
    // The direct child's exit is not enough: a grandchild (the real server under npm/sh/tsx) may outlive it.
    while (processGroup(group).length > 0 || exited === undefined) {
      if (performance.now() > deadline) {
        signalGroup(group, 'SIGKILL');
        await exitedPromise;
        break;
      }
      await sleep(20);
    }
    liveGroup = undefined;
  };

  const fail = async (reason: string): Promise<never> => {
    if (pgid !== undefined) await stop(pgid);
    rmSync(dataDir, { recursive: true, force: true });
    const text = Buffer.concat(output).toString('utf8');
    throw new Error(`${reason}\n--- service stdout/stderr ---\n${text || '(nothing)'}\n--- end ---`);
  };

  if (pgid === undefined) {
    await exitedPromise;
    return fail(`could not spawn ${command.join(' ')}: ${exited}`);
  }
  liveGroup = pgid;

  let readyMs: number | undefined;
  while (readyMs === undefined) {
    if (exited !== undefined) return fail(`the service exited before /healthz answered 200 (${exited})`);
    const attempt = performance.now();
    if (attempt - start > READY_TIMEOUT_MS) return fail(`/healthz did not answer 200 within ${READY_TIMEOUT_MS} ms`);
    if ((await probe(port)) === 200) readyMs = performance.now() - start;
    else await sleep(Math.max(0, POLL_INTERVAL_MS - (performance.now() - attempt)));
  }

  await sleep(idleMs);
  if (exited !== undefined) return fail(`the service exited while idle (${exited})`);
  const tree = processGroup(pgid);
  const rssKiB = tree.reduce((sum, p) => sum + p.rssKiB, 0);

  await stop(pgid);
  rmSync(dataDir, { recursive: true, force: true });
  return { readyMs, rssKiB, tree, exit: exited ?? 'unknown' };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const mib = (kib: number): string => (kib / 1024).toFixed(1);

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The group as a tree (children indented under their parent), one line per process. */
function printTree(tree: Proc[]): void {
  const pids = new Set(tree.map((p) => p.pid));
  const lines: string[] = [];
  const visit = (proc: Proc, depth: number): void => {
    const cmd = shorten('  '.repeat(depth) + (proc.cmdline.join(' ').trimEnd() || `[${proc.comm}]`), 100);
    lines.push(
      `${String(proc.pid).padStart(8)} ${String(proc.ppid).padStart(8)} ${mib(proc.rssKiB).padStart(8)}  ` +
        `${proc.comm.padEnd(15)} ${cmd}`,
    );
    for (const child of tree.filter((p) => p.ppid === proc.pid)) visit(child, depth + 1);
  };
  for (const root of tree.filter((p) => !pids.has(p.ppid))) visit(root, 0);
  console.log(`${'PID'.padStart(8)} ${'PPID'.padStart(8)} ${'RSS MiB'.padStart(8)}  ${'COMM'.padEnd(15)} CMDLINE`);
  for (const line of lines) console.log(line);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  console.log(`command: ${options.command.join(' ')}  (cwd ${process.cwd()}, bench node ${process.version})`);
  console.log(`runs: ${options.runs}, idle: ${options.idleMs} ms before reading RSS`);
  const results: RunResult[] = [];
  for (let i = 1; i <= options.runs; i++) {
    const result = await run(options.command, options.idleMs);
    results.push(result);
    console.log(
      `run ${i}: healthz 200 after ${result.readyMs.toFixed(1).padStart(7)} ms, ` +
        `RSS ${mib(result.rssKiB).padStart(6)} MiB in ${result.tree.length} process(es), stopped with ${result.exit}`,
    );
  }
  console.log(`median time to healthz: ${median(results.map((r) => r.readyMs)).toFixed(1)} ms`);
  console.log(`median total RSS:       ${mib(median(results.map((r) => r.rssKiB)))} MiB`);
  console.log('process tree of the last run:');
  printTree(results[results.length - 1].tree);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
