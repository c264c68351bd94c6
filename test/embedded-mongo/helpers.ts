import { MongoClient } from 'mongodb';
import type { Db } from 'mongodb';
import { startEmbeddedMongo } from '../../src/embedded-mongo/index.js';

/** True when the suite runs against a real MongoDB (`MONGODB_URI`) instead of the embedded server. */
export const externalServer = !!process.env.MONGODB_URI;

export interface TestServer {
  uri: string;
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

/** A server (MONGODB_URI or a fresh embedded one), a connected client and a clean database. */
export async function openTestServer(dbName: string): Promise<TestServer> {
  const embedded = externalServer ? undefined : await startEmbeddedMongo({ log: () => undefined });
  const uri = process.env.MONGODB_URI ?? embedded!.uri;
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
  await client.connect();
  const db = client.db(dbName);
  await db.dropDatabase();
  return {
    uri,
    client,
    db,
    async close() {
      await db.dropDatabase().catch(() => undefined);
      await client.close();
      await embedded?.close();
    },
  };
}
