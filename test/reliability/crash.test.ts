/**
 * Crash: `kill -9` of the service process (embedded database with a data directory) in the middle of
 * a write load. After a restart on the same data directory, every write that was answered 2xx is
 * there, with the acknowledged body (or a later version whose answer the crash swallowed).
 */
import { describe, expect, it } from 'vitest';
import { cleanupAfterAll, killIfRunning, startServiceProcess, type ServiceProcess } from '../support/process.ts';
import {
  missingWrites,
  newWriteLog,
  SCALE,
  tally,
  tempDir,
  UNLIMITED_WRITES,
  waitFor,
  writeLoad,
} from '../support/reliability.ts';

const KEY = 'crash-key-0123456789';
const ENV = { API_KEYS: `org-crash:${KEY}`, RATE_LIMIT: UNLIMITED_WRITES };

const onCleanup = cleanupAfterAll();

function track(service: ServiceProcess): ServiceProcess {
  onCleanup(() => killIfRunning(service));
  return service;
}

describe.skipIf(!!process.env.MONGODB_URI)('crash', () => {
  it(
    'kill -9 during a write load loses no acknowledged write',
    async () => {
      const data = await tempDir('billing-crash-');
      onCleanup(data.remove);
      const log = newWriteLog();
      let totalAcked = 0;

      // Crash rounds on the same data directory: each restart also replays what the earlier ones left.
      const rounds = 2 * SCALE;
      for (let round = 0; round < rounds; round++) {
        const service = track(await startServiceProcess({ ...ENV, DATA_DIR: data.dir }));
        const acksAtStart = log.ackCount;
        const load = writeLoad({
          url: () => service.url,
          key: KEY,
          workers: 12,
          idsPerWorker: 8,
          prefix: `crash${round}`,
          log,
        });
        await waitFor(async () => log.ackCount >= acksAtStart + 300, 30_000);
        service.child.kill('SIGKILL');
        const exit = await service.exited;
        expect(service.child.signalCode).toBe('SIGKILL');
        expect(exit).toBeNull();
        await load.stop();
        totalAcked = log.ackCount;
      }

      // Only successes before the kill, transport failures after it: never an error status.
      expect(
        [...log.statuses.keys()].every((s) => s === 200 || s === 201),
        tally(log.statuses),
      ).toBe(true);

      const restarted = track(await startServiceProcess({ ...ENV, DATA_DIR: data.dir }));
      const lost = await missingWrites(restarted.url, KEY, log);
      console.log(
        `crash: ${totalAcked} writes acknowledged over ${log.acked.size} ids in ${rounds} kill -9 rounds, ` +
          `statuses ${tally(log.statuses)}, transport failures ${tally(log.transportErrors)}, lost ${lost.length}`,
      );
      expect(lost).toEqual([]);

      // The restarted service takes writes as usual.
      const put = await fetch(`${restarted.url}/billing-portals/after-crash`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'REB-APIKEY': KEY },
        body: JSON.stringify({ websiteId: 'w', slug: 'after-crash', name: 'after' }),
      });
      expect(put.status).toBe(201);
      restarted.child.kill('SIGTERM');
      expect(await restarted.exited).toBe(0);
    },
    60_000 * SCALE,
  );
});
