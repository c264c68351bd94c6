/**
 * `npm start`'s embedded database runs off the HTTP event loop: while a long aggregation runs on it, the
 * service still answers. Proved by order, not by time: several /healthz answers arrive before the
 * aggregation's answer (on the event loop, none could until the aggregation had finished).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { killIfRunning, startServiceProcess, type ServiceProcess } from './support/process.ts';

const HEALTH_ANSWERS_WANTED = 3;
/** One document unwound into this many, then grouped: a command that keeps the server busy for a while. */
const UNWOUND = 300_000;

let dataDir: string | undefined;
let service: ServiceProcess | undefined;
afterAll(async () => {
  if (service) await killIfRunning(service);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe.skipIf(!!process.env.MONGODB_URI)('the embedded database under a long command', () => {
  it('leaves /healthz answering while a large aggregation runs', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'billing-stall-'));
    service = await startServiceProcess({ DATA_DIR: dataDir, API_KEYS: 'org-s:stall-key-0123' });
    const socket = path.join(dataDir, 'mongod.sock');
    const client = new MongoClient(`mongodb://${encodeURIComponent(socket)}`, { serverSelectionTimeoutMS: 5000 });
    try {
      const seed = client.db('stall-check').collection<{ _id: number }>('seed');
      await seed.insertOne({ _id: 1 });
      let aggregationAnswered = false;
      const aggregation = seed
        .aggregate([
          { $project: { n: { $range: [0, UNWOUND] } } },
          { $unwind: '$n' },
          { $group: { _id: { $mod: ['$n', 7] }, count: { $sum: 1 } } },
        ])
        .toArray()
        .finally(() => (aggregationAnswered = true));

      let healthAnswersBeforeAggregation = 0;
      while (!aggregationAnswered && healthAnswersBeforeAggregation < HEALTH_ANSWERS_WANTED) {
        const health = await fetch(`${service.url}/healthz`);
        expect(health.status).toBe(200);
        if (!aggregationAnswered) healthAnswersBeforeAggregation++;
      }
      expect(healthAnswersBeforeAggregation).toBe(HEALTH_ANSWERS_WANTED);
      const groups = await aggregation;
      expect(groups.reduce((sum, group) => sum + group.count, 0)).toBe(UNWOUND);
    } finally {
      await client.close();
    }
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  });
});
