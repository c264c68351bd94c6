/**
 * History atomicity under `kill -9`: concurrent writers PUT and DELETE their own portals while the
 * service process (embedded database with a data directory) is killed. After a restart on the same
 * data directory, each portal's history holds every acknowledged write, and besides those at most the
 * writes whose answers the kill swallowed; its kinds follow a possible life (created → updated… →
 * deleted → created…); and the portal as it now is matches the newest entry.
 */
import { describe, expect, it } from 'vitest';
import { cleanupAfterAll, killIfRunning, startServiceProcess, type ServiceProcess } from '../support/process.ts';
import { SCALE, send, tempDir, UNLIMITED_WRITES, versionedBody, waitFor } from '../support/reliability.ts';

const KEY = 'history-crash-key-0123456789';
const ENV = { API_KEYS: `crash-writer@org-history-crash:${KEY}`, RATE_LIMIT: UNLIMITED_WRITES };

const onCleanup = cleanupAfterAll();

function track(service: ServiceProcess): ServiceProcess {
  onCleanup(() => killIfRunning(service));
  return service;
}

/** What the writers know of one portal: acknowledged writes, and requests that got no answer. */
interface PortalLog {
  ackedRevisions: Set<string>;
  ackedDeletes: number;
  unansweredPuts: number;
  unansweredDeletes: number;
}

interface HistoryEntry {
  revision: string;
  kind: 'created' | 'updated' | 'deleted';
}

const newPortalLog = (): PortalLog => ({
  ackedRevisions: new Set(),
  ackedDeletes: 0,
  unansweredPuts: 0,
  unansweredDeletes: 0,
});

/** Each worker writes its own ids in turn; every third visit of an id deletes it, the next creates it again. */
function historyLoad(url: string, prefix: string, logs: Map<string, PortalLog>, statuses: number[]) {
  let stopped = false;
  let acks = 0;
  const headers = { 'REB-APIKEY': KEY };
  const loops = Array.from({ length: 8 }, async (_, worker) => {
    for (let step = 0; !stopped; step++) {
      const id = `${prefix}-w${worker}-${step % 4}`;
      const log = logs.get(id) ?? newPortalLog();
      logs.set(id, log);
      const remove = Math.floor(step / 4) % 3 === 2;
      const answer = remove
        ? await send(`${url}/billing-portals/${id}`, { method: 'DELETE', headers })
        : await send(`${url}/billing-portals/${id}`, {
            method: 'PUT',
            headers: { ...headers, 'content-type': 'application/json' },
            body: JSON.stringify(versionedBody(id, step)),
          });
      if (answer.status === 0) {
        if (remove) log.unansweredDeletes++;
        else log.unansweredPuts++;
        continue;
      }
      statuses.push(answer.status);
      if (answer.status >= 300) continue;
      acks++;
      if (remove) log.ackedDeletes++;
      else log.ackedRevisions.add(answer.json.revision);
    }
  });
  return {
    acks: () => acks,
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/** What is wrong with one portal's history after the restart; empty when nothing is. */
async function historyProblems(url: string, id: string, log: PortalLog): Promise<string[]> {
  const headers = { 'REB-APIKEY': KEY };
  const read = await send(`${url}/billing-portals/${id}/history?limit=1000`, { headers });
  const entries: HistoryEntry[] = read.status === 404 ? [] : read.json;
  if (read.status !== 200 && read.status !== 404) return [`${id}: history answered ${read.status}`];
  const problems: string[] = [];
  const revisions = new Set(entries.map((entry) => entry.revision));
  for (const revision of log.ackedRevisions) {
    if (!revisions.has(revision)) problems.push(`${id}: acknowledged revision ${revision} has no entry`);
  }
  const writes = entries.filter((entry) => entry.kind !== 'deleted');
  const unacknowledged = writes.filter((entry) => !log.ackedRevisions.has(entry.revision)).length;
  if (unacknowledged > log.unansweredPuts) {
    problems.push(`${id}: ${unacknowledged} entries of writes never acknowledged, ${log.unansweredPuts} unanswered`);
  }
  const deletes = entries.length - writes.length;
  if (deletes < log.ackedDeletes || deletes > log.ackedDeletes + log.unansweredDeletes) {
    problems.push(`${id}: ${deletes} delete entries for ${log.ackedDeletes} acknowledged deletes`);
  }
  // Oldest first, each kind must follow from the one before.
  let exists = false;
  for (const entry of [...entries].reverse()) {
    const possible = entry.kind === 'created' ? !exists : exists;
    if (!possible) problems.push(`${id}: ${entry.kind} ${entry.revision} cannot follow the entry before it`);
    exists = entry.kind !== 'deleted';
  }
  const portal = await send(`${url}/billing-portals/${id}`, { headers });
  const newest = entries[0];
  if (portal.status === 200 && newest?.revision !== portal.json.revision) {
    problems.push(`${id}: at revision ${portal.json.revision}, newest entry ${newest?.kind} ${newest?.revision}`);
  }
  if (portal.status === 404 && newest && newest.kind !== 'deleted') {
    problems.push(`${id}: absent, newest entry ${newest.kind} ${newest.revision}`);
  }
  return problems;
}

describe.skipIf(!!process.env.MONGODB_URI)('history under kill -9', () => {
  it(
    'every acknowledged write has its entry, no entry lacks a write that may have happened',
    async () => {
      const data = await tempDir('billing-history-crash-');
      onCleanup(data.remove);
      const logs = new Map<string, PortalLog>();
      const statuses: number[] = [];
      let acknowledged = 0;

      for (let round = 0; round < 2 * SCALE; round++) {
        const service = track(await startServiceProcess({ ...ENV, DATA_DIR: data.dir }));
        const load = historyLoad(service.url, `history${round}`, logs, statuses);
        await waitFor(async () => load.acks() >= 300, 30_000);
        service.child.kill('SIGKILL');
        await service.exited;
        expect(service.child.signalCode).toBe('SIGKILL');
        await load.stop();
        acknowledged += load.acks();
      }
      // Before the kill every write succeeded: no conflicts, no errors.
      expect(statuses.filter((status) => status >= 300)).toEqual([]);

      const restarted = track(await startServiceProcess({ ...ENV, DATA_DIR: data.dir }));
      const problems: string[] = [];
      for (const [id, log] of logs) problems.push(...(await historyProblems(restarted.url, id, log)));
      console.log(
        `history crash: ${acknowledged} acknowledged writes over ${logs.size} portals, problems ${problems.length}`,
      );
      expect(problems).toEqual([]);
      restarted.child.kill('SIGTERM');
      expect(await restarted.exited).toBe(0);
    },
    60_000 * SCALE,
  );
});
