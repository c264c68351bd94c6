/**
 * `npm run bench:db`: operations per second through the real driver against the embedded server,
 * in memory and with a data directory (fsync per acknowledged write, group commit), at 1 and 32
 * concurrent clients (async loops sharing one MongoClient). Each cell runs for DURATION_MS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import type { Collection } from 'mongodb';
import { startEmbeddedMongo } from '../src/embedded-mongo/index.js';
import type { EmbeddedMongo } from '../src/embedded-mongo/index.js';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 2000);
const CONCURRENCY = [1, 32];

interface BenchDoc {
  _id: string;
  n: number;
  name?: string;
}

type Op = (coll: Collection<BenchDoc>, worker: number, i: number) => Promise<unknown>;

const ops: Array<[string, Op]> = [
  ['ping', (coll) => coll.db.command({ ping: 1 })],
  ['insertOne', (coll, w, i) => coll.insertOne({ _id: `ins-${w}-${i}`, n: i, name: 'benchmark document' })],
  ['replaceOne upsert by _id', (coll, w, i) => coll.replaceOne({ _id: `up-${w}-${i % 100}` }, { n: i }, { upsert: true })],
  ['findOne by _id', (coll, w, i) => coll.findOne({ _id: `up-${w}-${i % 100}` })],
];

async function runFor(coll: Collection<BenchDoc>, op: Op, concurrency: number): Promise<number> {
  const deadline = performance.now() + DURATION_MS;
  let count = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      let i = 0;
      while (performance.now() < deadline) {
        await op(coll, w, i++);
        count++;
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

interface Target {
  label: string;
  server: EmbeddedMongo;
  client: MongoClient;
  results: Map<string, number[]>;
}

async function openTarget(label: string, dataDir: string | undefined): Promise<Target> {
  const server = await startEmbeddedMongo({ dataDir, log: () => undefined });
  const client = new MongoClient(server.uri, { maxPoolSize: 64 });
  await client.connect();
  return { label, server, client, results: new Map() };
}

/**
 * Runs every cell for both targets back to back (memory, then data directory), so that whatever
 * else the machine is doing affects both columns alike.
 */
async function benchAll(targets: Target[]): Promise<void> {
  for (const concurrency of CONCURRENCY) {
    for (const t of targets) await t.client.db(`bench_${concurrency}`).dropDatabase();
    for (const [name, op] of ops) {
      for (const t of targets) {
        const coll = t.client.db(`bench_${concurrency}`).collection<BenchDoc>('docs');
        // Warm up the connection pool and JIT.
        await Promise.all(Array.from({ length: concurrency }, (_, w) => op(coll, w, -1 - w)));
        const rate = await runFor(coll, op, concurrency);
        const row = t.results.get(name) ?? [];
        row.push(rate);
        t.results.set(name, row);
        process.stderr.write(`${t.label} ${name} x${concurrency}: ${Math.round(rate)} op/s\n`);
      }
    }
  }
}

const dir = mkdtempSync(join(tmpdir(), 'bench-db-'));
const targets = [await openTarget('memory', undefined), await openTarget('dataDir', dir)];
try {
  await benchAll(targets);
  const memory = targets[0].results;
  const disk = targets[1].results;
  const header = ['operation', ...CONCURRENCY.map((c) => `memory x${c}`), ...CONCURRENCY.map((c) => `dataDir x${c}`)];
  const rows = ops.map(([name]) => [name, ...(memory.get(name) ?? []), ...(disk.get(name) ?? [])].map((v) => (typeof v === 'number' ? String(Math.round(v)) : v)));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  console.log(`\nembedded-mongo, ops/s, ${DURATION_MS} ms per cell, node ${process.version}`);
  console.log(line(header));
  console.log('|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
  for (const r of rows) console.log(line(r));
  const upMem = memory.get('replaceOne upsert by _id')?.[1] ?? 0;
  const upDisk = disk.get('replaceOne upsert by _id')?.[1] ?? 0;
  const ratio = upMem > 0 ? upDisk / upMem : 0;
  console.log(`\nupsert x32 with dataDir / in memory = ${ratio.toFixed(2)} (floor 0.50: ${ratio >= 0.5 ? 'met' : 'NOT met'})`);
} finally {
  for (const t of targets) {
    await t.client.close();
    await t.server.close();
  }
  rmSync(dir, { recursive: true, force: true });
}
