/** Why a subscription to portal changes could not start or had to end, in words a client can act on. */
import { MongoError } from 'mongodb';
import { DatabaseUnavailableError } from '../errors.ts';

export type ChangeFeedFailure =
  | 'CHANGE_STREAMS_UNSUPPORTED'
  | 'EVENT_HISTORY_LOST'
  | 'INVALID_EVENT_ID'
  | 'SERVICE_UNAVAILABLE'
  | 'SHUTTING_DOWN'
  | 'SLOW_CONSUMER'
  | 'TOO_MANY_SUBSCRIPTIONS';

const MESSAGES: Record<ChangeFeedFailure, string> = {
  CHANGE_STREAMS_UNSUPPORTED:
    'Live updates need MongoDB change streams with pre- and post-images, which a standalone MongoDB (or one ' +
    'older than 6.0) does not have: run a replica set of MongoDB 6.0 or later (a single-member one will do) ' +
    'or the embedded server. Everything else works.',
  EVENT_HISTORY_LOST:
    'The changes after this event id are no longer kept: read the portals again, then subscribe without one.',
  INVALID_EVENT_ID: 'The event id (Last-Event-ID or `after`) is not one this service gave.',
  SERVICE_UNAVAILABLE: 'The database is unavailable; subscribe again with the last event id you received.',
  SHUTTING_DOWN: 'This instance is shutting down; subscribe again with the last event id you received.',
  SLOW_CONSUMER:
    'Changes arrived faster than this subscription read them; subscribe again with the last event id you received.',
  TOO_MANY_SUBSCRIPTIONS: 'Your organization has as many open subscriptions as MAX_SUBSCRIPTIONS_PER_ORG allows.',
};

export class ChangeFeedError extends Error {
  readonly code: ChangeFeedFailure;
  constructor(code: ChangeFeedFailure, options?: ErrorOptions) {
    super(MESSAGES[code], options);
    this.name = 'ChangeFeedError';
    this.code = code;
  }
}

/**
 * MongoDB's codes: a standalone's refusal, an older server's unknown `fullDocumentBeforeChange` option, a
 * lost history, a token it does not know.
 */
const CODES: Record<number, ChangeFeedFailure> = {
  40573: 'CHANGE_STREAMS_UNSUPPORTED',
  40415: 'CHANGE_STREAMS_UNSUPPORTED',
  286: 'EVENT_HISTORY_LOST',
  260: 'INVALID_EVENT_ID',
};

/** The failure a driver error stands for; anything unexpected is passed on. */
export function failureOf(error: unknown): unknown {
  if (error instanceof ChangeFeedError) return error;
  if (error instanceof DatabaseUnavailableError) return new ChangeFeedError('SERVICE_UNAVAILABLE', { cause: error });
  const code = error instanceof MongoError ? CODES[Number(error.code)] : undefined;
  return code ? new ChangeFeedError(code, { cause: error }) : error;
}
