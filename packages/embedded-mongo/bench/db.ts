/**
 * `npm run bench:db`: operations per second through the real driver against the embedded server,
 * in memory and with a data directory (fsync per acknowledged write, group commit), at 1 and 32
 * concurrent clients (async loops sharing one MongoClient). Each cell runs for DURATION_MS.
 *
 * Then indexed reads at 1,000 and 100,000 documents (INDEXED_SIZES) in a collection with the
 * service's indexes (src/portals/mongo/indexes.ts at the repository's root): findOne by `_id`, findOne by the unique secondary index
 * `{organizationId, id}`, a page of 20 from `find({organizationId, 'lookup.websiteId'})
 * .sort({createdTime: -1, id: -1}).skip(0…80)` and its `countDocuments`; the floors (unique
 * secondary ≥ ½ `_id` at 100,000; page and count at 100,000 ≥ ½ their rate at 1,000) are checked,
 * and the data-directory server is restarted to time start-up with 100,000 indexed documents.
 * Environment: BENCH_DURATION_MS, BENCH_INDEXED_SIZES (default 1000,100000), BENCH_INDEXED_ROUNDS,
 * BENCH_INDEXES_MODULE.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import type { Collection, IndexDescription } from 'mongodb';
import { startEmbeddedMongo } from '../src/index.ts';
import type { EmbeddedMongo } from '../src/index.ts';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 2000);
const CONCURRENCY = [1, 32];
const INDEXED_SIZES = (process.env.BENCH_INDEXED_SIZES ?? '1000,100000').split(',').map(Number);
const WEBSITES = 10;
const INDEXED_ROUNDS = Number(process.env.BENCH_INDEXED_ROUNDS ?? 3);
const INDEXED_CELL_MS = Math.max(250, Math.round(DURATION_MS / 2));

interface BenchDoc {
  _id: string;
  n: number;
  name?: string;
}

type Op = (coll: Collection<BenchDoc>, worker: number, i: number) => Promise<unknown>;

const ops: Array<[string, Op]> = [
  ['ping', (coll) => coll.db.command({ ping: 1 })],
  ['insertOne', (coll, w, i) => coll.insertOne({ _id: `ins-${w}-${i}`, n: i, name: 'benchmark document' })],
  [
    'replaceOne upsert by _id',
    (coll, w, i) => coll.replaceOne({ _id: `up-${w}-${i % 100}` }, { n: i }, { upsert: true }),
  ],
  ['findOne by _id', (coll, w, i) => coll.findOne({ _id: `up-${w}-${i % 100}` })],
];

interface PortalDoc {
  _id: string;
  organizationId: string;
  id: string;
  name: string;
  slug: string;
  status: string;
  lookup: { websiteId: string; slug: string };
  createdTime: Date;
  updatedTime: Date;
}

type IndexedOp = (coll: Collection<PortalDoc>, size: number, w: number, i: number) => Promise<unknown>;

/** Deterministic pseudo-random document number for worker w, iteration i. */
const pick = (size: number, w: number, i: number): number => ((i + 1) * 2654435761 + w * 40503) % size;

const indexedOps: Array<[string, IndexedOp]> = [
  ['findOne by _id', (coll, size, w, i) => coll.findOne({ _id: `p-${pick(size, w, i)}` })],
  [
    'findOne by unique secondary',
    (coll, size, w, i) => coll.findOne({ organizationId: 'org-1', id: `id-${pick(size, w, i)}` }),
  ],
  [
    'page of 20 (website, -createdTime)',
    (coll, _size, w, i) =>
      coll
        .find({ organizationId: 'org-1', 'lookup.websiteId': `site-${(w + i) % WEBSITES}` })
        .sort({ createdTime: -1, id: -1 })
        .skip((i % 5) * 20)
        .limit(20)
        .toArray(),
  ],
  [
    'countDocuments of that page',
    (coll, _size, w, i) =>
      coll.countDocuments({ organizationId: 'org-1', 'lookup.websiteId': `site-${(w + i) % WEBSITES}` }),
  ],
];

/**
 * The indexed cells measure the billing-portal service's own workload, so they use its index list
 * (one list, kept by the service; BENCH_INDEXES_MODULE names another module exporting PORTAL_INDEXES).
 */
const INDEXES_MODULE =
  process.env.BENCH_INDEXES_MODULE ?? join(import.meta.dirname, '../../../src/portals/mongo/indexes.ts');
const { PORTAL_INDEXES } = (await import(INDEXES_MODULE)) as { PORTAL_INDEXES: IndexDescription[] };

/** `size` portals inserted in random createdTime order (so index inserts land anywhere, not appended). */
async function loadPortals(coll: Collection<PortalDoc>, size: number): Promise<number> {
  const started = performance.now();
  await coll.drop().catch(() => undefined);
  await coll.createIndexes(PORTAL_INDEXES);
  const T0 = Date.UTC(2024, 0, 1);
  for (let from = 0; from < size; from += 1000) {
    const batch: PortalDoc[] = [];
    for (let i = from; i < Math.min(size, from + 1000); i++) {
      const created = new Date(T0 + ((i * 7919) % size) * 60_000);
      batch.push({
        _id: `p-${i}`,
        organizationId: 'org-1',
        id: `id-${i}`,
        name: `Portal ${i}`,
        slug: `slug-${i}`,
        status: i % 5 === 0 ? 'inactive' : 'active',
        lookup: { websiteId: `site-${i % WEBSITES}`, slug: `slug-${i}` },
        createdTime: created,
        updatedTime: created,
      });
    }
    await coll.insertMany(batch, { ordered: false });
  }
  return performance.now() - started;
}

/** Operations per second: `concurrency` loops each awaiting `step(worker, iteration)` for `durationMs`. */
async function opsPerSecond(
  durationMs: number,
  concurrency: number,
  step: (worker: number, iteration: number) => Promise<unknown>,
): Promise<number> {
  const deadline = performance.now() + durationMs;
  let count = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      let i = 0;
      while (performance.now() < deadline) {
        await step(w, i++);
        count++;
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

/**
 * Indexed reads per (size, op): rates per concurrency and target, as `${label} x${c}`. Both sizes are
 * loaded first; each cell then runs INDEXED_ROUNDS times, interleaved with the other size and target
 * (so that a noisy neighbour hits both sides of a ratio alike), and the best round counts.
 */
async function benchIndexed(targets: Target[]): Promise<{ rates: Map<string, Map<string, number>>; loads: string[] }> {
  const rates = new Map<string, Map<string, number>>();
  const loads: string[] = [];
  for (const size of INDEXED_SIZES) {
    for (const t of targets) {
      const coll = t.client.db('bench_indexed').collection<PortalDoc>(`portals_${size}`);
      const ms = await loadPortals(coll, size);
      loads.push(
        `${t.label}: ${size} documents with 6 indexes inserted (insertMany of 1,000) in ${(ms / 1000).toFixed(1)} s`,
      );
      process.stderr.write(`${loads[loads.length - 1]}\n`);
    }
  }
  for (const concurrency of CONCURRENCY) {
    for (const [name, op] of indexedOps) {
      for (let round = 0; round < INDEXED_ROUNDS; round++) {
        for (const size of INDEXED_SIZES) {
          for (const t of targets) {
            const coll = t.client.db('bench_indexed').collection<PortalDoc>(`portals_${size}`);
            await Promise.all(Array.from({ length: concurrency }, (_, w) => op(coll, size, w, 0)));
            const rate = await opsPerSecond(INDEXED_CELL_MS, concurrency, (w, i) => op(coll, size, w, i));
            const key = `${size}|${name}`;
            const row = rates.get(key) ?? new Map<string, number>();
            const col = `${t.label} x${concurrency}`;
            row.set(col, Math.max(rate, row.get(col) ?? 0));
            rates.set(key, row);
            process.stderr.write(
              `${t.label} ${size} ${name} x${concurrency} round ${round + 1}: ${Math.round(rate)} op/s\n`,
            );
          }
        }
      }
    }
  }
  return { rates, loads };
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
        const rate = await opsPerSecond(DURATION_MS, concurrency, (w, i) => op(coll, w, i));
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
  const rows = ops.map(([name]) =>
    [name, ...(memory.get(name) ?? []), ...(disk.get(name) ?? [])].map((v) =>
      typeof v === 'number' ? String(Math.round(v)) : v,
    ),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  console.log(`\nembedded-mongo, ops/s, ${DURATION_MS} ms per cell, node ${process.version}`);
  console.log(line(header));
  console.log('|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
  for (const r of rows) console.log(line(r));
  const upMem = memory.get('replaceOne upsert by _id')?.[1] ?? 0;
  const upDisk = disk.get('replaceOne upsert by _id')?.[1] ?? 0;
  const ratio = upMem > 0 ? upDisk / upMem : 0;
  console.log(
    `\nupsert x32 with dataDir / in memory = ${ratio.toFixed(2)} (floor 0.50: ${ratio >= 0.5 ? 'met' : 'NOT met'})`,
  );

  const { rates, loads } = await benchIndexed(targets);
  const cols = targets.flatMap((t) => CONCURRENCY.map((c) => `${t.label} x${c}`));
  const iHeader = ['documents', 'operation', ...cols];
  const iRows = [...rates.entries()].map(([key, row]) => [
    ...key.split('|'),
    ...cols.map((c) => String(Math.round(row.get(c) ?? 0))),
  ]);
  const iWidths = iHeader.map((h, i) => Math.max(h.length, ...iRows.map((r) => r[i].length)));
  const iLine = (cells: string[]): string =>
    '| ' + cells.map((c, i) => (i < 2 ? c.padEnd(iWidths[i]) : c.padStart(iWidths[i]))).join(' | ') + ' |';
  console.log(
    `\nindexed reads (service indexes, ${WEBSITES} websites), ops/s, best of ${INDEXED_ROUNDS} interleaved rounds of ${INDEXED_CELL_MS} ms`,
  );
  console.log(iLine(iHeader));
  console.log('|' + iWidths.map((w, i) => (i < 2 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
  for (const r of iRows) console.log(iLine(r));
  for (const l of loads) console.log(l);
  const small = Math.min(...INDEXED_SIZES);
  const large = Math.max(...INDEXED_SIZES);
  const rate = (size: number, op: string, col: string): number => rates.get(`${size}|${op}`)?.get(col) ?? 0;
  console.log('');
  for (const col of cols) {
    const checks: Array<[string, number]> = [
      [
        `findOne unique secondary / by _id at ${large}`,
        rate(large, 'findOne by unique secondary', col) / rate(large, 'findOne by _id', col),
      ],
      [
        `page at ${large} / at ${small}`,
        rate(large, 'page of 20 (website, -createdTime)', col) / rate(small, 'page of 20 (website, -createdTime)', col),
      ],
      [
        `count at ${large} / at ${small}`,
        rate(large, 'countDocuments of that page', col) / rate(small, 'countDocuments of that page', col),
      ],
    ];
    for (const [what, r] of checks)
      console.log(`${col}: ${what} = ${r.toFixed(2)} (floor 0.50: ${r >= 0.5 ? 'met' : 'NOT met'})`);
  }

  // Start-up with the largest indexed collection in the data directory.
  const diskTarget = targets[1];
  await diskTarget.client.close();
  await diskTarget.server.close();
  const restartStarted = performance.now();
  diskTarget.server = await startEmbeddedMongo({ dataDir: dir, log: () => undefined });
  const restartMs = performance.now() - restartStarted;
  diskTarget.client = new MongoClient(diskTarget.server.uri, { maxPoolSize: 64 });
  await diskTarget.client.connect();
  const check = await diskTarget.client
    .db('bench_indexed')
    .collection<PortalDoc>(`portals_${large}`)
    .countDocuments({ organizationId: 'org-1', 'lookup.websiteId': 'site-1' });
  let total = 0;
  for (const { name } of (await diskTarget.client.db().admin().listDatabases()).databases) {
    for (const c of await diskTarget.client.db(name).listCollections().toArray())
      total += await diskTarget.client.db(name).collection(c.name).estimatedDocumentCount();
  }
  console.log(
    `\nstart-up with a data directory holding ~${total} documents (${large} in one collection with 6 indexes): ${(restartMs / 1000).toFixed(2)} s (count after restart: ${check})`,
  );
} finally {
  for (const t of targets) {
    await t.client.close();
    await t.server.close();
  }
  rmSync(dir, { recursive: true, force: true });
}
