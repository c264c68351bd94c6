/**
 * startEmbeddedMongo: a MongoDB wire-protocol server on bson + mingo, for the app and the tests.
 *
 *   const db = await startEmbeddedMongo({ dataDir: './data' });
 *   const client = new MongoClient(db.uri);
 *   ...
 *   await db.close();
 */
import { Engine } from './storage/database.ts';
import { Journal } from './storage/journal.ts';
import { WireServer } from './server.ts';
import { DEFAULT_MAX_STAGE_MEMORY_BYTES } from './limits.ts';
import { DEFAULT_TTL_INTERVAL_MS, startTtlMonitor } from './storage/ttl.ts';

export interface EmbeddedMongoOptions {
  /** TCP port; 0 or undefined picks a free port. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1: loopback only). */
  host?: string;
  /** Data directory; without it the server is memory-only. */
  dataDir?: string;
  /** Journal size that triggers compaction (bytes, default 4 MiB and twice the last snapshot). */
  compactThresholdBytes?: number;
  /** Log sink for operational messages (default: stderr). */
  log?: (message: string) => void;
  /** How often TTL indexes remove expired documents (default 60 s, as mongod). */
  ttlMonitorIntervalMs?: number;
  /** A message must arrive in full within this time of its first byte, or its connection is closed (30 s). */
  frameTimeoutMs?: number;
  /** Cap on bytes of unfinished messages across all connections; the one going over is closed (256 MiB). */
  maxBufferedBytes?: number;
  /** Bytes one blocking aggregation stage ($sort, $group, …) may hold (default 100 MB, as MongoDB). */
  maxStageMemoryBytes?: number;
  /** The clock `maxTimeMS` is measured with (default Date.now; tests pass their own). */
  clock?: () => number;
}

export interface EmbeddedMongo {
  /** `mongodb://host:port/` for MongoClient, mongosh or Compass. */
  uri: string;
  host: string;
  port: number;
  /** Counters for diagnostics and tests (journal: only with a data directory). */
  stats(): EmbeddedMongoStats;
  /** Closes every client connection, then the journal (all acknowledged writes are on disk). */
  close(): Promise<void>;
}

export interface EmbeddedMongoStats {
  connections: number;
  /** Bytes of messages still arriving, across all connections. */
  bufferedBytes: number;
  journal?: { records: number; flushes: number; generation: number; journalBytes: number };
}

export async function startEmbeddedMongo(options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  const log = options.log ?? ((m: string) => console.error(`[embedded-mongo] ${m}`));
  const engine = new Engine();
  let journal: Journal | undefined;
  if (options.dataDir) {
    journal = await Journal.open(options.dataDir, engine, {
      compactThresholdBytes: options.compactThresholdBytes,
      log,
    });
    engine.attachJournal(journal);
  }
  const server = new WireServer(engine, {
    log,
    frameTimeoutMs: options.frameTimeoutMs,
    maxBufferedBytes: options.maxBufferedBytes,
    limits: {
      now: options.clock ?? Date.now,
      maxStageMemoryBytes: options.maxStageMemoryBytes ?? DEFAULT_MAX_STAGE_MEMORY_BYTES,
    },
  });
  const host = options.host ?? '127.0.0.1';
  let bound: { port: number; host: string };
  try {
    bound = await server.listen(options.port ?? 0, host);
  } catch (err) {
    await journal?.close();
    throw err;
  }
  const uriHost = bound.host.includes(':') ? `[${bound.host}]` : bound.host;
  const stopTtlMonitor = startTtlMonitor(engine, options.ttlMonitorIntervalMs ?? DEFAULT_TTL_INTERVAL_MS, log);
  let closing: Promise<void> | undefined;
  return {
    uri: `mongodb://${uriHost}:${bound.port}/`,
    host: bound.host,
    port: bound.port,
    stats: () => ({
      connections: server.connectionCount,
      bufferedBytes: server.bufferedBytes,
      journal: journal?.stats(),
    }),
    close() {
      closing ??= (async () => {
        stopTtlMonitor();
        await server.close();
        await journal?.close();
      })();
      return closing;
    },
  };
}

export { MongoCommandError, ErrorCodes } from './errors.ts';
