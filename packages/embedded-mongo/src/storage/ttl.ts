/**
 * TTL indexes, as mongod's TTL monitor runs them: every interval, each single-field index with
 * `expireAfterSeconds` removes the documents whose indexed value is a date (in an array: the earliest)
 * at least that many seconds old. Other values never expire; a partial index only covers its documents.
 * Removals go through the collection like any delete, so they are journaled.
 */
import type { Engine } from './database.ts';

/** mongod's default (ttlMonitorSleepSecs). */
export const DEFAULT_TTL_INTERVAL_MS = 60_000;

/** Removes every expired document now; returns how many. */
export function removeExpired(engine: Engine, now = Date.now()): number {
  let removed = 0;
  for (const collections of engine.databases.values()) {
    for (const collection of collections.values()) {
      for (const index of collection.indexes.values()) {
        const seconds = index.spec.expireAfterSeconds;
        if (typeof seconds !== 'number' || Object.keys(index.spec.key).length !== 1) continue;
        const cutoff = now - seconds * 1000;
        const expired = [...collection.docs.values()].filter((doc) =>
          index.keysOf(doc).keys.some(([value]) => value instanceof Date && value.getTime() <= cutoff),
        );
        for (const doc of expired) collection.remove(doc);
        removed += expired.length;
      }
    }
  }
  return removed;
}

/** Runs removeExpired every `intervalMs` until stopped; it never keeps the process alive. */
export function startTtlMonitor(engine: Engine, intervalMs: number, log: (message: string) => void): () => void {
  const timer = setInterval(() => {
    try {
      removeExpired(engine);
    } catch (error) {
      log(`TTL monitor: ${error instanceof Error ? error.message : String(error)}`);
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
