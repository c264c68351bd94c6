/** The `$changeStream` stage's options and the stages allowed after it, validated as MongoDB does. */
import type { Doc } from '../compare.ts';
import { isPlainObject } from '../compare.ts';
import { MongoCommandError } from '../errors.ts';
import type { LogTime, TokenKind } from './resume-token.ts';
import { decodeToken, fromTimestamp } from './resume-token.ts';

export type FullDocumentMode = 'default' | 'updateLookup' | 'whenAvailable' | 'required';
export type BeforeChangeMode = 'off' | 'whenAvailable' | 'required';

export interface ChangeStreamSpec {
  fullDocument: FullDocumentMode;
  fullDocumentBeforeChange: BeforeChangeMode;
  showExpandedEvents: boolean;
  allChangesForCluster: boolean;
  /** Where to start: after a token, or at a time (inclusive); none = after the newest event. */
  start?: { after: LogTime; epoch: number; kind: TokenKind; startAfter: boolean } | { at: LogTime };
}

const FULL_DOCUMENT: FullDocumentMode[] = ['default', 'updateLookup', 'whenAvailable', 'required'];
const BEFORE_CHANGE: BeforeChangeMode[] = ['off', 'whenAvailable', 'required'];
const KNOWN = new Set([
  'fullDocument',
  'fullDocumentBeforeChange',
  'resumeAfter',
  'startAfter',
  'startAtOperationTime',
  'showExpandedEvents',
  'allChangesForCluster',
]);

/** Stages a change stream may apply to its events (others would reorder, group or drop the tokens). */
export const ALLOWED_STAGES = new Set([
  '$match',
  '$project',
  '$addFields',
  '$set',
  '$unset',
  '$replaceRoot',
  '$replaceWith',
  '$redact',
]);

function choice<T extends string>(value: unknown, field: string, allowed: T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as string[]).includes(value)) return value as T;
  throw new MongoCommandError(
    'BadValue',
    `'${String(value)}' is not a valid value for $changeStream.${field}; expected one of ${allowed.join(', ')}`,
  );
}

function flag(value: unknown, field: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') {
    throw new MongoCommandError('TypeMismatch', `BSON field '$changeStream.${field}' is the wrong type, expected bool`);
  }
  return value;
}

export function parseChangeStreamSpec(raw: unknown): ChangeStreamSpec {
  if (!isPlainObject(raw)) {
    throw new MongoCommandError('FailedToParse', 'the $changeStream stage specification must be an object');
  }
  for (const key of Object.keys(raw)) {
    if (!KNOWN.has(key))
      throw new MongoCommandError('Location40415', `BSON field '$changeStream.${key}' is an unknown field.`);
  }
  const spec: ChangeStreamSpec = {
    fullDocument: choice(raw.fullDocument, 'fullDocument', FULL_DOCUMENT, 'default'),
    fullDocumentBeforeChange: choice(raw.fullDocumentBeforeChange, 'fullDocumentBeforeChange', BEFORE_CHANGE, 'off'),
    showExpandedEvents: flag(raw.showExpandedEvents, 'showExpandedEvents'),
    allChangesForCluster: flag(raw.allChangesForCluster, 'allChangesForCluster'),
  };
  const given = ['resumeAfter', 'startAfter', 'startAtOperationTime'].filter((k) => raw[k] !== undefined);
  if (given.length > 1) {
    throw new MongoCommandError(
      'Location40674',
      `Only one type of resume option is allowed, but got ${given.join(' and ')}`,
    );
  }
  if (raw.startAtOperationTime !== undefined) {
    spec.start = { at: fromTimestamp(raw.startAtOperationTime, 'startAtOperationTime') };
  } else if (given.length === 1) {
    const field = given[0];
    const { time, epoch, kind } = decodeToken(raw[field], field);
    if (kind === 'invalidate' && field === 'resumeAfter') {
      throw new MongoCommandError(
        'InvalidResumeToken',
        "Attempting to resume a change stream using 'resumeAfter' is not allowed from an invalidate notification.",
      );
    }
    spec.start = { after: time, epoch, kind, startAfter: field === 'startAfter' };
  }
  return spec;
}

/** The stages after `$changeStream`: only those that transform one event at a time. */
export function checkEventStages(stages: Doc[]): void {
  for (const stage of stages) {
    const name = Object.keys(stage)[0];
    if (name === '$changeStream') {
      throw new MongoCommandError('Location40602', '$changeStream is only valid as the first stage in a pipeline');
    }
    if (!ALLOWED_STAGES.has(name)) {
      throw new MongoCommandError('IllegalOperation', `${name} is not permitted in a $changeStream pipeline`);
    }
  }
}
