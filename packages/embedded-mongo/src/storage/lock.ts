/**
 * A data directory belongs to one server at a time: `mongod.lock` holds the owner's pid. A lock left
 * by a dead process (kill -9) is taken over; a live owner makes start-up fail with a clear message.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';

const heldHere = new Set<string>();

/** The data directory belongs to another live server (or to this process already). */
export class DataDirLockedError extends Error {
  readonly dataDir: string;
  /** The owner's process id. */
  readonly owner: number;

  constructor(dataDir: string, owner: number, detail: string) {
    super(`data directory ${dataDir} is ${detail}`);
    this.name = 'DataDirLockedError';
    this.dataDir = dataDir;
    this.owner = owner;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const lockPath = (dir: string) => join(resolve(dir), 'mongod.lock');

/**
 * Claims the directory within this thread until the returned release. The lock file cannot tell two
 * threads of one process apart (both have its pid), so a thread that starts a server on a worker thread
 * claims the directory for it here.
 */
export function claimDataDir(dir: string): () => void {
  const path = lockPath(dir);
  if (heldHere.has(path)) throw new DataDirLockedError(dir, process.pid, 'already in use by this process');
  heldHere.add(path);
  return () => heldHere.delete(path);
}

export function lockDataDir(dir: string): () => void {
  const path = lockPath(dir);
  if (heldHere.has(path)) throw new DataDirLockedError(dir, process.pid, 'already in use by this process');
  try {
    const fd = openSync(path, 'wx', 0o600);
    writeSync(fd, String(process.pid));
    closeSync(fd);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const owner = Number(readFileSync(path, 'utf8').trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
      throw new DataDirLockedError(dir, owner, `in use by process ${owner} (${path})`);
    }
    writeFileSync(path, String(process.pid), { mode: 0o600 });
  }
  heldHere.add(path);
  return () => {
    heldHere.delete(path);
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  };
}
