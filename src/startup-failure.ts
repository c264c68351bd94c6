/**
 * Why the service could not start, as one line a person can act on: the cause and what to do. The stack
 * is for LOG_LEVEL=debug only; the usual causes are the machine's state, not a bug.
 */
import { MongoServerSelectionError } from 'mongodb';
import { DataDirLockedError } from '@billing-portal/embedded-mongo/thread';
import { ConfigError } from './config.ts';

interface ListenError extends Error {
  code?: string;
  address?: string;
  port?: number;
}

export function startupFailureLine(error: unknown): string {
  if (error instanceof ConfigError) return `${error.message} Fix the environment and start again.`;
  if (error instanceof DataDirLockedError) {
    return (
      `Cannot start: DATA_DIR ${error.dataDir} is in use by another running service (process ${error.owner}). ` +
      'Stop that process, or set DATA_DIR to another directory.'
    );
  }
  if (error instanceof MongoServerSelectionError) {
    return (
      `Cannot start: MongoDB did not answer within DB_TIMEOUT_MS (${error.message}). ` +
      'Check MONGODB_URI and that the server is running, or unset MONGODB_URI to use the embedded database.'
    );
  }
  const { code, address, port } = error as ListenError;
  if (code === 'EADDRINUSE') {
    return (
      `Cannot start: ${address}:${port} is already in use by another process. ` +
      'Stop it, or set PORT to another port (PORT=0 picks a free one).'
    );
  }
  if (code === 'EACCES' && port !== undefined) {
    return `Cannot start: not allowed to listen on ${address}:${port}. Set PORT to a port above 1023.`;
  }
  if (code === 'EADDRNOTAVAIL') {
    return `Cannot start: ${address} is not an address of this machine. Set HOST to one of its addresses.`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `Cannot start: ${message}. Run with LOG_LEVEL=debug to see where it failed.`;
}
