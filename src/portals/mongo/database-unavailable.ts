/**
 * Driver failures that mean "no database to talk to" become DatabaseUnavailableError (503 at both
 * doors); every other error passes through unchanged.
 */
import {
  MongoBulkWriteError,
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerClosedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import { DatabaseUnavailableError } from '../errors.ts';

/** Driver errors that say "no database to talk to" (some, like the pool's, are not exported classes). */
const UNAVAILABLE_ERROR_NAMES = new Set(['MongoPoolClearedError', 'MongoWaitQueueTimeoutError']);
/** Node's socket errors, which the driver passes on unwrapped when it writes to a socket the server has closed. */
const CONNECTION_LOST_CODES = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED']);

function isUnavailable(error: unknown): boolean {
  // A bulk write (insertMany) wraps the connection's error and keeps it as its errorResponse.
  if (error instanceof MongoBulkWriteError && error.errorResponse instanceof Error)
    return isUnavailable(error.errorResponse);
  return (
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNetworkError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoServerClosedError ||
    error instanceof MongoOperationTimeoutError ||
    (error instanceof MongoError && UNAVAILABLE_ERROR_NAMES.has(error.name)) ||
    (error instanceof Error && CONNECTION_LOST_CODES.has((error as NodeJS.ErrnoException).code ?? ''))
  );
}

/** Runs one database call, turning "the database is not there" into DatabaseUnavailableError. */
export async function guard<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw isUnavailable(error) ? new DatabaseUnavailableError({ cause: error }) : error;
  }
}
