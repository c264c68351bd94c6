/**
 * Overload: waves of 1,000 concurrent connections (one request each, REST and GraphQL, reads and
 * writes) against the service process. Every request is answered (2xx, or 429/503 when it sheds
 * load), none hangs, the process's memory stays bounded, and it is healthy afterwards.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { cleanupAfterAll, killIfRunning, startServiceProcess, type ServiceProcess } from '../support/process.ts';
import { rssOf, SCALE, send, tally, tempDir } from '../support/reliability.ts';

const KEY = 'overload-key-0123456789';
/** Another organization, whose write budget (RATE_LIMIT is per organization) the load does not spend. */
const CHECK_KEY = 'overload-check-0123456789';
const CONNECTIONS = 1_000;
const WAVES = 3 * SCALE;
/** No request may wait longer than this for its answer. */
const ANSWER_BOUND_MS = 60_000;
/** The service's resident memory must stay below this, whatever the load. */
const RSS_BOUND_BYTES = 768 * 1024 * 1024;

const onCleanup = cleanupAfterAll();

interface Outcome {
  status: number;
  error?: string;
}

/** One request on its own new connection (no agent, no keep-alive). */
function oneShot(base: string, method: string, path: string, body?: string): Promise<Outcome> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = { 'REB-APIKEY': KEY, connection: 'close' };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(body);
    }
    const req = httpRequest(
      { host: hostname, port: Number(port), method, path, headers, agent: false },
      (res: IncomingMessage) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('error', (error) =>
          resolve({ status: 0, error: (error as NodeJS.ErrnoException).code ?? error.message }),
        );
      },
    );
    req.setTimeout(ANSWER_BOUND_MS, () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (error) => resolve({ status: 0, error: (error as NodeJS.ErrnoException).code ?? error.message }));
    req.end(body);
  });
}

/** PUT ids that were answered 2xx: a later GET of one must find it. */
const written = new Set<string>();

async function requestFor(base: string, wave: number, i: number): Promise<Outcome & { kind: string }> {
  const id = `load-${wave}-${i}`;
  switch (i % 5) {
    case 0:
    case 1: {
      const outcome = await oneShot(
        base,
        'PUT',
        `/billing-portals/${id}`,
        JSON.stringify({ websiteId: 'web-load', slug: `slug-${id}`, name: id }),
      );
      if (outcome.status >= 200 && outcome.status < 300) written.add(id);
      return { ...outcome, kind: 'PUT' };
    }
    case 2: {
      // What the previous wave wrote at i - 2 (a PUT index); absent only if that PUT was refused.
      const target = wave === 0 ? 'load-seed' : `load-${wave - 1}-${i - 2}`;
      const outcome = await oneShot(base, 'GET', `/billing-portals/${target}`);
      return { ...outcome, kind: outcome.status === 404 && !written.has(target) ? 'GET of a refused PUT' : 'GET' };
    }
    case 3:
      return { ...(await oneShot(base, 'GET', '/billing-portals?limit=20&filter=websiteId:web-load')), kind: 'LIST' };
    default:
      return {
        ...(await oneShot(
          base,
          'POST',
          '/graphql',
          JSON.stringify({ query: '{ billingPortals(first: 10) { totalCount edges { node { id } } } }' }),
        )),
        kind: 'GraphQL',
      };
  }
}

describe.skipIf(!!process.env.MONGODB_URI)('overload', () => {
  it(
    `${WAVES} waves of ${CONNECTIONS} concurrent connections: all answered, memory bounded, healthy after`,
    async () => {
      const data = await tempDir('billing-overload-');
      onCleanup(data.remove);
      const service: ServiceProcess = await startServiceProcess({
        API_KEYS: `org-load:${KEY},org-check:${CHECK_KEY}`,
        DATA_DIR: data.dir,
      });
      onCleanup(() => killIfRunning(service));
      const seed = await send(`${service.url}/billing-portals/load-seed`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'REB-APIKEY': KEY },
        body: JSON.stringify({ websiteId: 'web-load', slug: 'slug-load-seed', name: 'seed' }),
      });
      expect(seed.status).toBe(201);
      written.add('load-seed');
      const pid = service.child.pid!;
      const baseline = await rssOf(pid);
      let peak = baseline;
      const sampler = setInterval(() => {
        rssOf(pid).then(
          (rss) => (peak = Math.max(peak, rss)),
          () => undefined,
        );
      }, 50);

      const statuses = new Map<string | number, number>();
      const started = Date.now();
      const wavePeaks: number[] = [];
      try {
        for (let wave = 0; wave < WAVES; wave++) {
          const outcomes = await Promise.all(
            Array.from({ length: CONNECTIONS }, (_, i) => requestFor(service.url, wave, i)),
          );
          for (const o of outcomes) {
            if (o.kind === 'GET of a refused PUT') continue;
            const key = o.status || o.error!;
            statuses.set(key, (statuses.get(key) ?? 0) + 1);
          }
          wavePeaks.push(peak);
        }
      } finally {
        clearInterval(sampler);
      }
      const seconds = (Date.now() - started) / 1000;
      const mib = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MiB`;
      console.log(
        `overload: ${WAVES}×${CONNECTIONS} connections in ${seconds.toFixed(1)} s, answers ${tally(statuses)}, ` +
          `RSS ${mib(baseline)} → peak ${mib(peak)} (after each wave: ${wavePeaks.map(mib).join(', ')})`,
      );

      // Every request was answered, with success or a load-shedding status.
      const unanswered = [...statuses.entries()].filter(([k]) => typeof k === 'string');
      expect(unanswered, tally(statuses)).toEqual([]);
      const others = [...statuses.keys()].filter(
        (s) => !((Number(s) >= 200 && Number(s) < 300) || s === 429 || s === 503),
      );
      expect(others, tally(statuses)).toEqual([]);
      expect(peak).toBeLessThan(RSS_BOUND_BYTES);
      if (WAVES >= 6) {
        // A longer run levels off: the last quarter of the waves adds little to the peak. (How soon V8
        // stops growing its heap varies from run to run — by wave 6 or by wave 11 of 12 — while the level
        // it settles at does not, so the end of the run is what is compared, not its middle.)
        const beforeLastQuarter = wavePeaks[WAVES - 1 - Math.floor(WAVES / 4)];
        expect(peak - beforeLastQuarter, `peaks ${wavePeaks.map(mib).join(', ')}`).toBeLessThan(64 * 1024 * 1024);
      }

      // Healthy afterwards, still the same process.
      expect(service.child.exitCode).toBeNull();
      expect((await send(`${service.url}/healthz`)).status).toBe(200);
      expect((await send(`${service.url}/readyz`)).status).toBe(200);
      const put = await send(`${service.url}/billing-portals/after-overload`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'REB-APIKEY': CHECK_KEY },
        body: JSON.stringify({ websiteId: 'w', slug: 'after-overload', name: 'after' }),
      });
      expect(put.status, put.text).toBe(201);
      expect(
        (await send(`${service.url}/billing-portals/after-overload`, { headers: { 'REB-APIKEY': CHECK_KEY } })).json,
      ).toEqual(put.json);
      // The loaded organization can read (its write budget may be spent for this minute: 429 is fine).
      expect((await send(`${service.url}/billing-portals/load-seed`, { headers: { 'REB-APIKEY': KEY } })).status).toBe(
        200,
      );

      service.child.kill('SIGTERM');
      expect(await service.exited).toBe(0);
    },
    120_000 * SCALE,
  );
});
