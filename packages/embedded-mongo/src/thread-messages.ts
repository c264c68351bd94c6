/**
 * What the embedded server's worker thread and the thread that started it say to each other. An error
 * crosses as plain fields and is rebuilt on the other side, so that `instanceof DataDirLockedError`
 * and the stack trace still work for whoever reports a failed start.
 */
import { DataDirLockedError } from './storage/lock.ts';

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  dataDir?: string;
  owner?: number;
}

export type FromServerThread =
  | { type: 'ready'; uri: string; host: string; port: number; socketPath?: string }
  | { type: 'failed'; error: SerializedError }
  | { type: 'log'; message: string }
  | { type: 'closed' };

export type ToServerThread = { type: 'close' };

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const { code } = error as NodeJS.ErrnoException;
  const serialized: SerializedError = { name: error.name, message: error.message, stack: error.stack, code };
  if (error instanceof DataDirLockedError) return { ...serialized, dataDir: error.dataDir, owner: error.owner };
  return serialized;
}

export function reviveError(serialized: SerializedError): Error {
  const error =
    serialized.name === 'DataDirLockedError'
      ? new DataDirLockedError(serialized.dataDir ?? '', serialized.owner ?? 0, '')
      : new Error('');
  return Object.assign(error, {
    name: serialized.name,
    message: serialized.message,
    stack: serialized.stack,
    ...(serialized.code === undefined ? {} : { code: serialized.code }),
  });
}
