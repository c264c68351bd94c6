import { MongoClient } from 'mongodb';
import type { Db, Document, MongoClientOptions } from 'mongodb';
import { startEmbeddedMongo } from './index.ts';

/** True when the suite runs against a real MongoDB (`MONGODB_URI`) instead of the embedded server. */
export const externalServer = !!process.env.MONGODB_URI;

export interface TestServer {
  uri: string;
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

/** A server (MONGODB_URI or a fresh embedded one), a connected client and a clean database. */
export async function openTestServer(dbName: string, clientOptions: MongoClientOptions = {}): Promise<TestServer> {
  const embedded = externalServer ? undefined : await startEmbeddedMongo({ log: () => undefined });
  const uri = process.env.MONGODB_URI ?? embedded!.uri;
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000, ...clientOptions });
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

/** The first stage named `stage` in an explain plan tree (depth-first through inputStage(s)). */
export function findPlanStage(plan: Document | undefined, stage: string): Document | undefined {
  if (!plan) return undefined;
  if (plan.stage === stage) return plan;
  const children = [plan.inputStage, ...((plan.inputStages as Document[] | undefined) ?? [])];
  for (const child of children) {
    const found = findPlanStage(child as Document | undefined, stage);
    if (found) return found;
  }
  return undefined;
}

/** The winning plan of a find's or an aggregate's `explain` output. */
export function winningPlan(explain: Document): Document {
  const queryPlanner = (explain.queryPlanner ?? explain.stages?.[0]?.$cursor?.queryPlanner) as Document;
  return queryPlanner.winningPlan as Document;
}
