/**
 * The one MongoClient of the process: the server at MONGODB_URI, or, when that is unset, the embedded
 * server started in this process — on a worker thread of its own, so that a long command does not stall
 * the HTTP side — with its data under DATA_DIR. The embedded server has no authentication, so it listens
 * on an owner-only Unix socket in DATA_DIR rather than on a TCP port other users could reach.
 */
import path from 'node:path';
import { MongoClient, type Db } from 'mongodb';
import { startEmbeddedMongoThread } from '@billing-portal/embedded-mongo/thread';
import type { Config } from './config.ts';

/** The embedded server's socket file, inside DATA_DIR. */
export const EMBEDDED_SOCKET = 'mongod.sock';

export interface Database {
  client: MongoClient;
  db: Db;
  /** Where the data lives, for the start-up line. */
  description: string;
  ping(): Promise<boolean>;
  /** Settles only if the embedded server's thread stops without being asked to: with the reason. */
  lost: Promise<Error>;
  close(): Promise<void>;
}

const NEVER = new Promise<never>(() => undefined);

/** The embedded server on its own thread, or (EMBEDDED_DB_THREAD=main, for comparison) on the caller's. */
async function startEmbedded(config: Config) {
  const options = { dataDir: config.dataDir, socketPath: path.join(config.dataDir, EMBEDDED_SOCKET) };
  if (config.embeddedDbThread === 'worker') return startEmbeddedMongoThread(options);
  const { startEmbeddedMongo } = await import('@billing-portal/embedded-mongo');
  return { ...(await startEmbeddedMongo(options)), crashed: NEVER };
}

/** `monitorCommands`: the driver emits an event per command (for the traces). */
export async function openDatabase(config: Config, options: { monitorCommands?: boolean } = {}): Promise<Database> {
  const embedded = config.mongodbUri ? undefined : await startEmbedded(config);
  const uri = config.mongodbUri ?? embedded!.uri;
  const client = new MongoClient(uri, {
    serverSelectionTimeoutMS: config.dbTimeoutMs,
    connectTimeoutMS: config.dbTimeoutMs,
    socketTimeoutMS: config.dbTimeoutMs * 4,
    waitQueueTimeoutMS: config.dbTimeoutMs,
    appName: 'billing-portal-service',
    monitorCommands: options.monitorCommands ?? false,
  });
  try {
    await client.connect();
  } catch (error) {
    await embedded?.close();
    throw error;
  }
  const db = client.db(config.mongodbDb);
  return {
    client,
    db,
    description: embedded
      ? `embedded MongoDB-compatible server on Unix socket ${embedded.socketPath} (data in ${config.dataDir})`
      : `MongoDB at ${redact(uri)}`,
    lost: embedded?.crashed ?? NEVER,
    ping: async () => (await db.command({ ping: 1 }, { timeoutMS: config.dbTimeoutMs })).ok === 1,
    close: async () => {
      await client.close();
      await embedded?.close();
    },
  };
}

/** A URI without its password, fit for a log line. */
function redact(uri: string): string {
  return uri.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
