/**
 * Database outage under load: with the database stopped, every request fails fast with 503 and a
 * problem body (GraphQL: a SERVICE_UNAVAILABLE error), /readyz says 503, /healthz stays 200 and the
 * process stays up; when the database comes back on the same port and data directory, the service
 * recovers without a restart and every acknowledged write is there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RELIABILITY_ORG,
  SCALE,
  isProblem,
  missingWrites,
  newWriteLog,
  send,
  startOutageService,
  tally,
  waitFor,
  writeLoad,
  type Answer,
  type OutageService,
} from '../support/reliability.ts';

const DB_TIMEOUT_MS = 500;
/** The documented bound: a request waits DB_TIMEOUT_MS for the database, then is answered; allow slack. */
const FAIL_FAST_BOUND_MS = DB_TIMEOUT_MS * 6;

const skip = !!process.env.MONGODB_URI;
let service: OutageService;
beforeAll(async () => {
  if (!skip) service = await startOutageService({ dbTimeoutMs: DB_TIMEOUT_MS });
});
afterAll(() => service?.close());

const key = RELIABILITY_ORG.key;
const json = { 'content-type': 'application/json', 'REB-APIKEY': key };
const auth = { 'REB-APIKEY': key };

/** One of each kind of request, REST and GraphQL, reads and writes. */
function requestsDuringOutage(n: number): Array<Promise<{ what: string; answer: Answer }>> {
  const url = service.url;
  const kinds: Array<[string, () => Promise<Answer>]> = [
    [
      'PUT',
      () =>
        send(`${url}/billing-portals/outage-${n}`, {
          method: 'PUT',
          headers: json,
          body: JSON.stringify({ websiteId: 'w', slug: `outage-${n}`, name: 'n' }),
        }),
    ],
    [
      'POST',
      () =>
        send(`${url}/billing-portals`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ websiteId: 'w', slug: `outage-post-${n}`, name: 'n' }),
        }),
    ],
    ['GET', () => send(`${url}/billing-portals/load-w0-1`, { headers: auth })],
    ['DELETE', () => send(`${url}/billing-portals/load-w0-2`, { method: 'DELETE', headers: auth })],
    ['LIST', () => send(`${url}/billing-portals?limit=5`, { headers: auth })],
    [
      'GraphQL query',
      () =>
        send(`${url}/graphql`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ query: '{ billingPortals(first: 2) { totalCount } }' }),
        }),
    ],
    [
      'GraphQL mutation',
      () =>
        send(`${url}/graphql`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({
            query:
              'mutation($id: ID!) { upsertBillingPortal(id: $id, input: { websiteId: "w", slug: "gql-outage", name: "n" }) { __typename } }',
            variables: { id: `gql-outage-${n}` },
          }),
        }),
    ],
  ];
  return kinds.map(async ([what, run]) => ({ what, answer: await run() }));
}

describe.skipIf(skip)('database outage', () => {
  it(
    'answers 503 fast while the database is down, recovers when it is back, loses no acknowledged write',
    { timeout: 60_000 * SCALE },
    async () => {
      const log = newWriteLog();
      const slow503: number[] = [];
      const load = writeLoad({
        url: () => service.url,
        key,
        workers: 8,
        idsPerWorker: 6,
        prefix: 'load',
        log,
        timeoutMs: 15_000,
        onAnswer: (a) => void (a.status === 503 && a.ms >= FAIL_FAST_BOUND_MS && slow503.push(a.ms)),
      });
      await waitFor(async () => log.ackCount >= 200, 20_000);
      const acksAtFirstStop = log.ackCount;
      const outageAnswers: Array<{ what: string; answer: Answer }> = [];

      for (let cycle = 0; cycle < SCALE; cycle++) {
        // The database goes away under the load.
        await service.stopDatabase();

        // While it is down: three rounds of every kind of request, beside the write load.
        const answers: Array<{ what: string; answer: Answer }> = [];
        for (let round = 0; round < 3; round++) {
          answers.push(...(await Promise.all(requestsDuringOutage(cycle * 3 + round))));
        }
        outageAnswers.push(...answers);
        const readyz = await send(`${service.url}/readyz`);
        const healthz = await send(`${service.url}/healthz`);

        const report = answers.map(
          ({ what, answer }) => `${what}: ${answer.status || answer.error} in ${Math.round(answer.ms)} ms`,
        );
        // Soft: every broken kind of request is reported, and recovery and durability are still checked.
        for (const { what, answer } of answers) {
          expect.soft(answer.status, `${what}\n${report.join('\n')}\n${answer.text}`).toBe(503);
          expect.soft(answer.ms, `${what} took ${answer.ms} ms`).toBeLessThan(FAIL_FAST_BOUND_MS);
          if (what.startsWith('GraphQL')) {
            expect.soft(answer.json?.errors?.[0]?.extensions?.code, answer.text).toBe('SERVICE_UNAVAILABLE');
          } else {
            expect.soft(isProblem(answer), `${what}: ${answer.text}`).toBe(true);
          }
          // Never a driver message or an internal detail.
          expect.soft(answer.text).not.toMatch(/Mongo|ECONNREFUSED|127\.0\.0\.1|at .*\.ts/);
        }
        expect(readyz.status).toBe(503);
        expect(isProblem(readyz)).toBe(true);
        expect(readyz.json?.dependencies).toEqual({ database: 'not answering' });
        expect(readyz.ms).toBeLessThan(FAIL_FAST_BOUND_MS);
        expect(healthz.status).toBe(200);

        // The database comes back on the same port with the same data: no service restart needed.
        await service.startDatabase();
        await waitFor(async () => (await send(`${service.url}/readyz`)).status === 200, 30_000);
        const acksBeforeRecovery = log.ackCount;
        await waitFor(async () => log.ackCount >= acksBeforeRecovery + 100, 30_000);
      }
      await load.stop();

      const put = await send(`${service.url}/billing-portals/after-outage`, {
        method: 'PUT',
        headers: json,
        body: JSON.stringify({ websiteId: 'w', slug: 'after-outage', name: 'after' }),
      });
      expect(put.status).toBe(201);
      expect((await send(`${service.url}/billing-portals/after-outage`, { headers: auth })).json).toEqual(put.json);

      // Every answer the load saw was a success or a 503; none hung (each had a 15 s limit).
      const statuses = [...log.statuses.keys()];
      expect
        .soft(
          statuses.every((s) => (s >= 200 && s < 300) || s === 503),
          `load statuses ${tally(log.statuses)}`,
        )
        .toBe(true);
      expect(log.transportErrors.size, tally(log.transportErrors)).toBe(0);
      expect.soft(log.statuses.get(503) ?? 0, `load statuses ${tally(log.statuses)}`).toBeGreaterThan(0);
      expect(slow503, `503s slower than ${FAIL_FAST_BOUND_MS} ms`).toEqual([]);

      const lost = await missingWrites(service.url, key, log);
      console.log(
        `outage: ${SCALE} outage(s), ${log.ackCount} writes acknowledged (${acksAtFirstStop} before the first stop), ` +
          `load statuses ${tally(log.statuses)}, outage requests: ${outageAnswers.length}, slowest ${Math.round(Math.max(...outageAnswers.map((a) => a.answer.ms)))} ms, lost ${lost.length}`,
      );
      expect(lost).toEqual([]);
    },
  );

  it('waits for the database once for a query answered before (prepared), not once per way of running it', async () => {
    const read = () =>
      send(`${service.url}/graphql`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ query: 'query Remembered { billingPortal(id: "load-w0-1") { id name } }' }),
      });
    // Yoga answers it twice (the second run compiles it); from then on it is a prepared query.
    for (let run = 0; run < 3; run++) expect((await read()).status).toBe(200);
    await service.stopDatabase();
    try {
      const failedBefore = (await service.databaseCalls()).get('find failed') ?? 0;
      for (let run = 0; run < 3; run++) {
        const answer = await read();
        expect(answer.status, answer.text).toBe(503);
        expect(answer.json?.errors?.[0]?.extensions?.code, answer.text).toBe('SERVICE_UNAVAILABLE');
      }
      // One attempt each: running the query again after its prepared run would wait for the database twice.
      expect((await service.databaseCalls()).get('find failed')).toBe(failedBefore + 3);
    } finally {
      await service.startDatabase();
      await waitFor(async () => (await send(`${service.url}/readyz`)).status === 200, 30_000);
    }
  });
});
