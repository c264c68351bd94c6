/**
 * Resume tokens: `{ _data: <hex> }` as MongoDB spells them. Ours encode a position in the event log
 * (the cluster time: seconds, increment), the log's epoch (a new one each start: the log is in memory)
 * and what the token stands for; tokens of one epoch order as their hex strings.
 */
import { Timestamp } from 'bson';
import { isPlainObject } from '../compare.ts';
import { MongoCommandError } from '../errors.ts';

/** A point in the event log: every event has its own, strictly increasing. */
export interface LogTime {
  t: number;
  i: number;
}

/** `event`: after that event; `position`: a post-batch token; `invalidate`: after the drop that invalidated. */
export type TokenKind = 'position' | 'event' | 'invalidate';

const KIND_BYTES: Record<TokenKind, string> = { position: '00', event: '01', invalidate: '02' };
const VERSION = '82';
const TOKEN_PATTERN = /^82([0-9a-f]{8})([0-9a-f]{8})([0-9a-f]{8})(0[012])$/;

export function compareTimes(a: LogTime, b: LogTime): number {
  return a.t - b.t || a.i - b.i;
}

export function toTimestamp(time: LogTime): Timestamp {
  return new Timestamp({ t: time.t, i: time.i });
}

export function fromTimestamp(value: unknown, field: string): LogTime {
  if (!(value instanceof Timestamp)) {
    throw new MongoCommandError(
      'TypeMismatch',
      `BSON field '$changeStream.${field}' is the wrong type, expected timestamp`,
    );
  }
  return { t: value.high >>> 0, i: value.low >>> 0 };
}

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

export function encodeToken(time: LogTime, epoch: number, kind: TokenKind): { _data: string } {
  return { _data: VERSION + hex8(time.t) + hex8(time.i) + hex8(epoch) + KIND_BYTES[kind] };
}

export function decodeToken(value: unknown, field: string): { time: LogTime; epoch: number; kind: TokenKind } {
  const data: unknown = isPlainObject(value) ? value._data : undefined;
  const m = typeof data === 'string' ? TOKEN_PATTERN.exec(data) : null;
  if (!m) {
    throw new MongoCommandError(
      'InvalidResumeToken',
      `${field}: not a resume token of this server: ${JSON.stringify(value)}`,
    );
  }
  const kind = (Object.keys(KIND_BYTES) as TokenKind[]).find((k) => KIND_BYTES[k] === m[4]) as TokenKind;
  return { time: { t: parseInt(m[1], 16), i: parseInt(m[2], 16) }, epoch: parseInt(m[3], 16), kind };
}
