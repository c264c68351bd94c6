import type { Document } from 'bson';

/** MongoDB server error codes used by the embedded server (names as MongoDB spells them). */
export const ErrorCodes = {
  InternalError: 1,
  BadValue: 2,
  FailedToParse: 9,
  TypeMismatch: 14,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  CursorNotFound: 43,
  MaxTimeMSExpired: 50,
  NamespaceExists: 48,
  CommandNotFound: 59,
  ImmutableField: 66,
  CannotCreateIndex: 67,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  ExceededMemoryLimit: 146,
  CursorKilled: 237,
  NotImplemented: 238,
  InvalidResumeToken: 260,
  ChangeStreamFatalError: 280,
  ChangeStreamHistoryLost: 286,
  QueryExceededMemoryLimitNoDiskUseAllowed: 292,
  DuplicateKey: 11000,
  /** An unknown field in a command's sub-document (MongoDB's IDL parser). */
  Location40415: 40415,
  /** `$changeStream` anywhere but first. */
  Location40602: 40602,
  /** More than one of resumeAfter, startAfter, startAtOperationTime. */
  Location40674: 40674,
} as const;

export type CodeName = keyof typeof ErrorCodes;

/** An error that is answered to the client as `{ ok: 0, errmsg, code, codeName, ...extra }`. */
export class MongoCommandError extends Error {
  readonly code: number;
  readonly codeName: CodeName;
  readonly extra: Document;

  constructor(codeName: CodeName, message: string, extra: Document = {}) {
    super(message);
    this.name = 'MongoCommandError';
    this.codeName = codeName;
    this.code = ErrorCodes[codeName];
    this.extra = extra;
  }

  /** The fields of a write error entry or of an `ok: 0` reply (without `ok`). */
  toDocument(): Document {
    return { errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }
}

/** Turns anything thrown while handling a command into a MongoCommandError. */
export function toCommandError(err: unknown): MongoCommandError {
  if (err instanceof MongoCommandError) return err;
  const message = err instanceof Error ? err.message : String(err);
  // mingo throws plain Errors for malformed queries/updates/pipelines: these are the client's fault.
  if (/operator|expression|pipeline|invalid|unknown|must|expected|cannot/i.test(message)) {
    return new MongoCommandError('BadValue', message);
  }
  return new MongoCommandError('InternalError', message);
}

export function badValue(message: string): MongoCommandError {
  return new MongoCommandError('BadValue', message);
}
