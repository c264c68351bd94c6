/**
 * The write budget's counter through the MongoDB driver: concurrent spends are counted exactly (every
 * count a distinct place in one order of all spends), and the coalescing counter, which sends the spends
 * that wait behind an in-flight count as one, answers exactly as the plain counter does — in fewer round
 * trips.
 */
import { openTestServer, type TestServer } from '@billing-portal/embedded-mongo/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CoalescingWriteCounter,
  MongoWriteCounter,
  type WindowCount,
  type WriteCounter,
} from '../src/limits/write-counter.ts';

let server: TestServer;
beforeAll(async () => {
  server = await openTestServer('write_budget');
});
afterAll(() => server?.close());

const WINDOW_MS = 60_000;
/** 1, 2 or 3 writes per spend (a GraphQL operation may run several mutation fields). */
const SPENDS = Array.from({ length: 60 }, (_, i) => 1 + ((i * 7) % 3));

/** True when the counts are those of the spends counted one at a time, in some order. */
function oneAtATime(counts: WindowCount[], writes: number[]): boolean {
  const byCount = counts.map((c, i) => ({ count: c.count, writes: writes[i] })).sort((a, b) => a.count - b.count);
  let total = 0;
  return byCount.every((spend) => (total += spend.writes) === spend.count);
}

function countingCalls(counter: WriteCounter): WriteCounter & { calls: number } {
  const counted = {
    calls: 0,
    add: (organizationId: string, writes: number, windowMs: number, now: Date) => {
      counted.calls++;
      return counter.add(organizationId, writes, windowMs, now);
    },
  };
  return counted;
}

describe('the write budget counter', () => {
  it('counts concurrent spends exactly, one round trip each', async () => {
    const plain = countingCalls(new MongoWriteCounter(server.db));
    const counts = await Promise.all(SPENDS.map((w) => plain.add('org-plain', w, WINDOW_MS, new Date())));
    expect(oneAtATime(counts, SPENDS)).toBe(true);
    expect(Math.max(...counts.map((c) => c.count))).toBe(SPENDS.reduce((a, b) => a + b));
    expect(plain.calls).toBe(SPENDS.length);
  });

  it('coalesced, answers exactly as one spend at a time, in fewer round trips', async () => {
    const inner = countingCalls(new MongoWriteCounter(server.db));
    const coalescing = new CoalescingWriteCounter(inner);
    const counts = await Promise.all(SPENDS.map((w) => coalescing.add('org-coalesced', w, WINDOW_MS)));
    expect(oneAtATime(counts, SPENDS)).toBe(true);
    // In arrival order, as the database would have counted them one after another.
    let total = 0;
    expect(counts.map((c) => c.count)).toEqual(SPENDS.map((w) => (total += w)));
    const stored = await server.db.collection('writeBudgets').findOne({ _id: 'org-coalesced' as never });
    expect(stored?.count).toBe(total);
    expect(inner.calls).toBeLessThan(SPENDS.length);
    expect(new Set(counts.map((c) => c.windowEnd.getTime())).size).toBe(1);
  });

  it('coalesced, hands a database failure to every spend of the batch, and counts afresh after it', async () => {
    let databaseUp = false;
    const counter = new MongoWriteCounter(server.db);
    const flaky: WriteCounter = {
      add: (...args) => (databaseUp ? counter.add(...args) : Promise.reject(new Error('no database'))),
    };
    const coalescing = new CoalescingWriteCounter(flaky);
    const results = await Promise.allSettled([1, 2, 3].map((w) => coalescing.add('org-failing', w, WINDOW_MS)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    databaseUp = true;
    expect((await coalescing.add('org-failing', 1, WINDOW_MS)).count).toBe(1);
  });
});
