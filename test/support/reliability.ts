/**
 * Helpers for the reliability tests: collection snapshots, a raw HTTP client that reports transport
 * failures instead of throwing, a service whose database can be stopped and restarted under it, and
 * a load of acknowledged writes to check after an outage, a crash or a shutdown.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BSON, type Collection } from 'mongodb';
import type { FastifyInstance } from 'fastify';
import { buildApp, settingsFromConfig } from '../../src/app.ts';
import { ApiKeys } from '../../src/auth/credentials.ts';
import { loadConfig } from '../../src/config.ts';
import { openDatabase, type Database } from '../../src/database.ts';
import { startEmbeddedMongo, type EmbeddedMongo } from '@billing-portal/embedded-mongo';
import { PortalService } from '../../src/portals/service.ts';
import type { PortalDocument } from '../../src/portals/mongo/query.ts';
import { COLLECTION_NAME, PortalStore } from '../../src/portals/mongo/store.ts';
import { PortalChangeFeed } from '../../src/portals/mongo/change-feed.ts';
import { MongoWriteCounter } from '../../src/limits/write-counter.ts';
import { schema } from '../../src/graphql/schema/index.ts';
import { ServiceMetrics } from '../../src/observability/metrics.ts';
import { DatabaseCalls } from '../../src/portals/mongo/database-calls.ts';

export const RELIABILITY_ORG = { organizationId: 'org-r', key: 'key-r-0123456789' } as const;

/** How much longer the reliability tests run: 1 in `npm test`, more in `npm run test:soak`. */
export const SCALE = Math.max(1, Number(process.env.RELIABILITY_SCALE ?? 1) || 1);

/** A write budget (RATE_LIMIT, writes per minute per organization) that a test's own load does not hit. */
export const UNLIMITED_WRITES = '1000000';

/** Every document of the collection, sorted by _id, as canonical EJSON, with its count and a hash. */
export async function snapshot(collection: Collection<any>): Promise<{ count: number; hash: string; text: string }> {
  const docs = await collection.find({}).sort({ _id: 1 }).toArray();
  const text = BSON.EJSON.stringify(docs, { relaxed: false });
  return { count: docs.length, hash: createHash('sha256').update(text).digest('hex'), text };
}

export interface Answer {
  /** HTTP status, or 0 when there was no HTTP answer (see `error`). */
  status: number;
  headers: Headers | undefined;
  text: string;
  json: any;
  /** The transport failure (refused, reset, timeout), when there was no answer. */
  error?: string;
  ms: number;
}

/** One HTTP request that never throws: a transport failure is an Answer with status 0. */
export async function send(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {},
): Promise<Answer> {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: init.method ?? 'GET',
      headers: init.headers,
      body: init.body,
      signal: AbortSignal.timeout(init.timeoutMs ?? 20_000),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json, ms: performance.now() - started };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const name = (error as Error).name;
    return {
      status: 0,
      headers: undefined,
      text: '',
      json: undefined,
      error: name === 'TimeoutError' ? 'timeout' : (cause?.code ?? cause?.message ?? (error as Error).message),
      ms: performance.now() - started,
    };
  }
}

/** True when `body` is an RFC 9457 problem with the given HTTP status. */
export function isProblem(answer: Answer): boolean {
  const b = answer.json;
  return (
    !!b &&
    typeof b === 'object' &&
    typeof b.type === 'string' &&
    typeof b.title === 'string' &&
    b.status === answer.status &&
    typeof b.detail === 'string'
  );
}

export async function tempDir(prefix: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Resolves when `condition` holds, checking every `everyMs`; rejects after `withinMs`. */
export async function waitFor(condition: () => Promise<boolean>, withinMs: number, everyMs = 50): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`condition not met within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Resident set size of a process in bytes, from /proc (Linux). */
export async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
  return kb ? Number(kb) * 1024 : 0;
}

/**
 * The service built the way src/main.ts builds it (loadConfig → openDatabase → PortalStore → app),
 * over an embedded database with a data directory that this harness can stop and start again on the
 * same port, underneath the running service.
 */
export interface OutageService {
  url: string;
  app: FastifyInstance;
  database: Database;
  collection: Collection<PortalDocument>;
  dbPort: number;
  dbTimeoutMs: number;
  stopDatabase(): Promise<void>;
  startDatabase(): Promise<void>;
  /** The store's database calls so far, by command and outcome (`find failed` …), from /metrics. */
  databaseCalls(): Promise<Map<string, number>>;
  close(): Promise<void>;
}

const OUTAGE_METRICS_TOKEN = 'outage-service-metrics-token';

export async function startOutageService(options: { dbTimeoutMs: number }): Promise<OutageService> {
  const data = await tempDir('billing-outage-');
  const quiet = () => undefined;
  let embedded: EmbeddedMongo | undefined = await startEmbeddedMongo({ dataDir: data.dir, log: quiet });
  const dbPort = embedded.port;
  const config = loadConfig({
    MONGODB_URI: embedded.uri,
    DB_TIMEOUT_MS: String(options.dbTimeoutMs),
    API_KEYS: `${RELIABILITY_ORG.organizationId}:${RELIABILITY_ORG.key}`,
    LOG_LEVEL: 'silent',
    RATE_LIMIT: UNLIMITED_WRITES,
  });
  const database = await openDatabase(config);
  const metrics = new ServiceMetrics();
  const store = PortalStore.fromDb(database.db, undefined, { calls: new DatabaseCalls(metrics.databaseCall) });
  await store.ensureIndexes();
  const app = await buildApp({
    schema,
    portals: new PortalService(store),
    changes: new PortalChangeFeed(database.db.collection<PortalDocument>(COLLECTION_NAME)),
    apiKeys: new ApiKeys(config.apiKeys!),
    databaseReady: database.ping,
    writeCounter: new MongoWriteCounter(database.db),
    logger: false,
    settings: settingsFromConfig(config),
    metrics: { collector: metrics, token: OUTAGE_METRICS_TOKEN },
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    app,
    database,
    collection: database.db.collection<PortalDocument>(COLLECTION_NAME),
    dbPort,
    dbTimeoutMs: options.dbTimeoutMs,
    async stopDatabase() {
      await embedded?.close();
      embedded = undefined;
    },
    async startDatabase() {
      embedded = await startEmbeddedMongo({ dataDir: data.dir, port: dbPort, log: quiet });
    },
    async databaseCalls() {
      const text = await (
        await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${OUTAGE_METRICS_TOKEN}` } })
      ).text();
      const calls = new Map<string, number>();
      for (const [, command, outcome, count] of text.matchAll(
        /^mongodb_commands_total\{command="(\w+)",outcome="(\w+)"\} (\d+)$/gm,
      )) {
        calls.set(`${command} ${outcome}`, Number(count));
      }
      return calls;
    },
    async close() {
      await app.close();
      await database.close();
      await embedded?.close();
      await data.remove();
    },
  };
}

/** A portal body whose name carries a version, so a stored portal tells which write it came from. */
export function versionedBody(id: string, version: number): Record<string, unknown> {
  return { websiteId: 'web-load', slug: `slug-${id}`, name: `${id} v${version}` };
}

export interface WriteLog {
  /** id → the last acknowledged (2xx) response body and its version. */
  acked: Map<string, { version: number; body: any }>;
  /** id → the highest version ever sent (acknowledged or not). */
  attempted: Map<string, number>;
  statuses: Map<number, number>;
  transportErrors: Map<string, number>;
  /** Acknowledged writes in total. */
  ackCount: number;
}

export function newWriteLog(): WriteLog {
  return { acked: new Map(), attempted: new Map(), statuses: new Map(), transportErrors: new Map(), ackCount: 0 };
}

/**
 * `workers` loops, each PUTting its own ids (`<prefix>-w<n>-<k>`, k cycling over `idsPerWorker`)
 * one request at a time with increasing versions, until `stop()`; every answer is recorded.
 */
export function writeLoad(options: {
  url: () => string;
  key: string;
  workers: number;
  idsPerWorker: number;
  prefix: string;
  log: WriteLog;
  timeoutMs?: number;
  onAnswer?: (answer: Answer) => void;
}): { stop(): Promise<void> } {
  let stopped = false;
  const loops = Array.from({ length: options.workers }, async (_, worker) => {
    for (let version = 1; !stopped; version++) {
      const id = `${options.prefix}-w${worker}-${version % options.idsPerWorker}`;
      options.log.attempted.set(id, version);
      const answer = await send(`${options.url()}/billing-portals/${id}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'REB-APIKEY': options.key },
        body: JSON.stringify(versionedBody(id, version)),
        timeoutMs: options.timeoutMs,
      });
      options.onAnswer?.(answer);
      const { log } = options;
      if (answer.status === 0) {
        log.transportErrors.set(answer.error!, (log.transportErrors.get(answer.error!) ?? 0) + 1);
      } else {
        log.statuses.set(answer.status, (log.statuses.get(answer.status) ?? 0) + 1);
      }
      if (answer.status >= 200 && answer.status < 300) {
        log.acked.set(id, { version, body: answer.json });
        log.ackCount++;
      }
    }
  });
  return {
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/** The version a stored portal's name carries. */
export function versionOf(body: { name?: string } | undefined): number {
  return Number(/ v(\d+)$/.exec(body?.name ?? '')?.[1] ?? Number.NaN);
}

/**
 * Reads back every acknowledged write through `GET`: each must be there, at its acknowledged
 * version or a later attempted one, and equal (without `_links`) to the acknowledged body when the
 * version is the same. Returns the ids that fail, with why.
 */
export async function missingWrites(baseUrl: string, key: string, log: WriteLog): Promise<string[]> {
  const problems: string[] = [];
  const entries = [...log.acked.entries()];
  for (let i = 0; i < entries.length; i += 32) {
    await Promise.all(
      entries.slice(i, i + 32).map(async ([id, acked]) => {
        const read = await send(`${baseUrl}/billing-portals/${id}`, { headers: { 'REB-APIKEY': key } });
        if (read.status !== 200) {
          problems.push(`${id}: acknowledged v${acked.version}, now ${read.status || read.error}`);
          return;
        }
        const version = versionOf(read.json);
        const highest = log.attempted.get(id) ?? acked.version;
        if (!(version >= acked.version && version <= highest)) {
          problems.push(`${id}: acknowledged v${acked.version} (highest sent v${highest}), stored v${version}`);
          return;
        }
        if (version === acked.version) {
          const { _links: _a, ...stored } = read.json;
          const { _links: _b, ...acknowledged } = acked.body;
          if (JSON.stringify(stored) !== JSON.stringify(acknowledged)) {
            problems.push(`${id}: stored ${JSON.stringify(stored)} != acknowledged ${JSON.stringify(acknowledged)}`);
          }
        }
      }),
    );
  }
  return problems;
}

export function tally(map: Map<string | number, number>): string {
  return [...map.entries()].map(([k, v]) => `${k}×${v}`).join(' ') || '-';
}
