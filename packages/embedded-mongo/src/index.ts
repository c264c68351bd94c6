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
import { placeSocket, removeStaleSocket } from './unix-socket.ts';
import { DEFAULT_MAX_STAGE_MEMORY_BYTES } from './limits.ts';
import { DEFAULT_TTL_INTERVAL_MS, startTtlMonitor } from './storage/ttl.ts';

export interface EmbeddedMongoOptions {
  /**
   * Listen on this Unix socket (made 0600) instead of TCP; put it in an owner-only directory. A path
   * too long for a socket falls back to a fresh 0700 directory under os.tmpdir().
   */
  socketPath?: string;
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
  /**
   * How much change stream history is kept in memory (default 10,000 events, 24 h): a resume from
   * before the oldest kept event fails with code 286 ChangeStreamHistoryLost.
   */
  changeStreamHistory?: { maxEvents?: number; maxAgeMs?: number };
}

export interface EmbeddedMongo {
  /** `mongodb://host:port/` (or `mongodb://<url-encoded socket path>/`) for MongoClient, mongosh or Compass. */
  uri: string;
  /** The TCP address, or the socket path. */
  host: string;
  /** The TCP port (0 on a Unix socket). */
  port: number;
  /** The Unix socket the server listens on, if it does. */
  socketPath?: string;
  /** Counters for diagnostics and tests (journal: only with a data directory). */
  stats(): EmbeddedMongoStats;
  /** Closes every client connection, then the journal (all acknowledged writes are on disk). */
  close(): Promise<void>;
}

export interface EmbeddedMongoStats {
  connections: number;
  /** Bytes of messages still arriving, across all connections. */
  bufferedBytes: number;
  /** Open cursors, of which change streams. */
  cursors: { open: number; changeStreams: number };
  /** Change events held for change streams to read or resume from. */
  changeEvents: number;
  journal?: { records: number; flushes: number; generation: number; journalBytes: number };
}

export async function startEmbeddedMongo(options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  const log = options.log ?? ((m: string) => console.error(`[embedded-mongo] ${m}`));
  const engine = new Engine({ changeLog: options.changeStreamHistory });
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
  let bound: { port: number; host: string; uri: string; cleanup?: () => void };
  try {
    bound = options.socketPath
      ? await listenOnSocket(server, options.socketPath, log)
      : await listenOnTcp(server, options.port ?? 0, options.host ?? '127.0.0.1');
  } catch (err) {
    await journal?.close();
    throw err;
  }
  const stopTtlMonitor = startTtlMonitor(engine, options.ttlMonitorIntervalMs ?? DEFAULT_TTL_INTERVAL_MS, log);
  let closing: Promise<void> | undefined;
  return {
    uri: bound.uri,
    host: bound.host,
    port: bound.port,
    socketPath: options.socketPath ? bound.host : undefined,
    stats: () => ({
      connections: server.connectionCount,
      bufferedBytes: server.bufferedBytes,
      cursors: server.cursorCounts,
      changeEvents: engine.changes.size,
      journal: journal?.stats(),
    }),
    close() {
      closing ??= (async () => {
        stopTtlMonitor();
        await server.close();
        bound.cleanup?.();
        await journal?.close();
      })();
      return closing;
    },
  };
}

async function listenOnTcp(server: WireServer, port: number, host: string) {
  const bound = await server.listen(port, host);
  const uriHost = bound.host.includes(':') ? `[${bound.host}]` : bound.host;
  return { ...bound, uri: `mongodb://${uriHost}:${bound.port}/` };
}

/** The driver reads a host ending in `.sock` as a Unix socket path (URL-encoded). */
async function listenOnSocket(server: WireServer, wanted: string, log: (message: string) => void) {
  const place = placeSocket(wanted, log);
  try {
    await removeStaleSocket(place.path);
    await server.listenOnSocket(place.path);
  } catch (err) {
    place.cleanup();
    throw err;
  }
  return { host: place.path, port: 0, uri: `mongodb://${encodeURIComponent(place.path)}/`, cleanup: place.cleanup };
}

export { MongoCommandError, ErrorCodes } from './errors.ts';
export { DataDirLockedError } from './storage/lock.ts';
export { startEmbeddedMongoThread, type EmbeddedMongoThread, type EmbeddedMongoThreadOptions } from './thread.ts';
