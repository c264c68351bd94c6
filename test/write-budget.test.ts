/**
 * The write budget's counter through the MongoDB driver: concurrent spends are counted exactly, every
 * count a distinct place in one order of all spends.
 */
import { openTestServer, type TestServer } from '@billing-portal/embedded-mongo/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoWriteCounter, type WindowCount, type WriteCounter } from '../src/limits/write-counter.ts';

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
});
