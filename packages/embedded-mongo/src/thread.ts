/**
 * startEmbeddedMongoThread: the embedded server on a worker thread of its own, so that a long command
 * (a large aggregation, a compaction) does not stall the event loop of the process that started it.
 * Clients reach it the same way, through its socket or port. A worker thread rather than a child process:
 * it cannot outlive the process (not even a kill -9), it shares the process id the data-directory lock
 * records, and its logs and errors come back without a pipe protocol.
 *
 * Its own entry point (`@billing-portal/embedded-mongo/thread`), so that the starting thread does not load
 * the server's modules only to hand them to another thread.
 */
import { Worker } from 'node:worker_threads';
import type { EmbeddedMongoOptions } from './index.ts';
import { claimDataDir } from './storage/lock.ts';
import { reviveError, type FromServerThread, type ToServerThread } from './thread-messages.ts';

export { DataDirLockedError } from './storage/lock.ts';

export type EmbeddedMongoThreadOptions = Omit<EmbeddedMongoOptions, 'log' | 'clock'> & {
  /** Log sink for the server's operational messages (default: stderr). */
  log?: (message: string) => void;
};

export interface EmbeddedMongoThread {
  uri: string;
  host: string;
  port: number;
  socketPath?: string;
  /** Settles only if the thread ends without being asked to (a crash): with the reason. */
  crashed: Promise<Error>;
  /** Closes every client connection, then the journal (all acknowledged writes are on disk), then the thread. */
  close(): Promise<void>;
}

const ENTRY = new URL('./thread-entry.ts', import.meta.url);

export function startEmbeddedMongoThread(options: EmbeddedMongoThreadOptions = {}): Promise<EmbeddedMongoThread> {
  const { log = (m: string) => console.error(`[embedded-mongo] ${m}`), ...serverOptions } = options;
  let release: () => void;
  try {
    release = serverOptions.dataDir ? claimDataDir(serverOptions.dataDir) : () => undefined;
  } catch (error) {
    return Promise.reject(error);
  }
  const worker = new Worker(ENTRY, { workerData: serverOptions, stdout: false, stderr: false });
  let exited = false;
  worker.once('exit', () => {
    exited = true;
    release();
  });
  let closing: Promise<void> | undefined;
  let reportCrash: (error: Error) => void = () => undefined;
  const crashed = new Promise<Error>((resolve) => (reportCrash = resolve));
  let lastError: Error | undefined;

  return new Promise((resolve, reject) => {
    let started = false;
    worker.on('message', (message: FromServerThread) => {
      if (message.type === 'log') log(message.message);
      else if (message.type === 'failed') reject(reviveError(message.error));
      else if (message.type === 'ready') {
        started = true;
        const { type: _, ...where } = message;
        // After a crash there is nothing left to close: what the thread had not flushed went with it.
        resolve({ ...where, crashed, close: () => (closing ??= exited ? Promise.resolve() : close(worker)) });
      }
    });
    worker.on('error', (error) => {
      lastError = error;
      if (!started) reject(error);
    });
    worker.on('exit', (code) => {
      const error = lastError ?? new Error(`the embedded database thread stopped (exit code ${code})`);
      if (!started) reject(error);
      else if (!closing) reportCrash(error);
    });
  });
}

async function close(worker: Worker): Promise<void> {
  const done = new Promise<void>((resolve, reject) => {
    worker.on('message', (message: FromServerThread) => message.type === 'closed' && resolve());
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the embedded database thread stopped (exit code ${code})`)));
  });
  worker.postMessage({ type: 'close' } satisfies ToServerThread);
  await done;
  await worker.terminate();
}
