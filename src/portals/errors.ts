/**
 * Errors a client can act on. Each is mapped once to a GraphQL error type (schema/errors.ts) and once
 * to a problem-details response (rest/problem.ts). Anything that is not a DomainError is unexpected:
 * it is logged with its cause and answered as a masked 500.
 */
export abstract class DomainError extends Error {}

export interface InvalidField {
  /** Dot path of the offending field, e.g. `customization.colors.primary`. */
  field: string;
  message: string;
}

export class ValidationError extends DomainError {
  readonly invalidFields: InvalidField[];

  constructor(invalidFields: InvalidField[]) {
    super(
      invalidFields.length === 1
        ? `Invalid billing portal: ${invalidFields[0].field} ${invalidFields[0].message}.`
        : `Invalid billing portal: ${invalidFields.length} fields are invalid.`,
    );
    this.invalidFields = invalidFields;
    this.name = 'ValidationError';
  }
}

export class NotFoundError extends DomainError {
  readonly resourceId: string;

  constructor(resourceId: string) {
    super(`Billing portal "${resourceId}" was not found.`);
    this.resourceId = resourceId;
    this.name = 'NotFoundError';
  }
}

/** What a conditional write expects of the portal's current state (RFC 9110 preconditions). */
export interface WriteCondition {
  /** The portal must exist at exactly this revision. */
  revision?: string;
  /** true: the portal must exist (If-Match: *); false: it must not exist yet (If-None-Match: *). */
  exists?: boolean;
}

/** A conditional write found the portal at another revision, or absent, or (create-only) present. */
export class ConflictError extends DomainError {
  readonly resourceId: string;
  /** The portal's revision now; null when there is no such portal. */
  readonly currentRevision: string | null;
  /** The write was to create the portal only, and it exists. */
  readonly expectedAbsent: boolean;

  constructor(resourceId: string, currentRevision: string | null, expectedAbsent = false) {
    super(
      currentRevision === null
        ? `Billing portal "${resourceId}" does not exist; nothing was changed.`
        : expectedAbsent
          ? `Billing portal "${resourceId}" already exists (revision "${currentRevision}"); nothing was changed.`
          : `Billing portal "${resourceId}" is at revision "${currentRevision}", not the one expected; nothing was changed.`,
    );
    this.resourceId = resourceId;
    this.currentRevision = currentRevision;
    this.expectedAbsent = expectedAbsent;
    this.name = 'ConflictError';
  }
}

/** The database did not answer in time; the request changed nothing we know of and may be retried. */
export class DatabaseUnavailableError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('The database is unavailable; try again shortly.', options);
    this.name = 'DatabaseUnavailableError';
  }
}

/**
 * The database stopped answering after a portal was created, before its history entry was stored or its
 * answer complete: the write stands (its entry waits in the portal document), but it is not confirmed;
 * answered like any 503.
 */
export class UnconfirmedWriteError extends DatabaseUnavailableError {}

/** An idempotency key already stands for a different request (within its 24 hours); nothing was created. */
export class IdempotencyKeyReusedError extends DomainError {
  readonly idempotencyKey: string;

  constructor(idempotencyKey: string) {
    super(
      `Idempotency key "${idempotencyKey}" was already used for a different request; nothing was created. ` +
        'Use a new key for a new request.',
    );
    this.idempotencyKey = idempotencyKey;
    this.name = 'IdempotencyKeyReusedError';
  }
}

/** The first request with this idempotency key is still running; retry shortly to get its answer. */
export class IdempotencyKeyInUseError extends DomainError {
  readonly idempotencyKey: string;

  constructor(idempotencyKey: string) {
    super(`A request with idempotency key "${idempotencyKey}" is still in progress; retry shortly for its answer.`);
    this.idempotencyKey = idempotencyKey;
    this.name = 'IdempotencyKeyInUseError';
  }
}

/**
 * The DNS check did not prove the organization controls the domain (no record, another token, or
 * another organization verified the domain first). The failure is recorded on the portal.
 */
export class DomainVerificationFailedError extends DomainError {
  readonly domain: string;
  readonly reason: string;

  constructor(domain: string, reason: string) {
    super(`Custom domain "${domain}" is not verified: ${reason}.`);
    this.domain = domain;
    this.reason = reason;
    this.name = 'DomainVerificationFailedError';
  }
}

/** DNS did not answer the verification lookup (timeout, SERVFAIL, refused); nothing was changed. */
export class DnsUnavailableError extends DomainError {
  readonly domain: string;

  constructor(domain: string, options?: { cause?: unknown }) {
    super(
      `DNS did not answer for custom domain "${domain}"; nothing was changed and the domain stays as it was. ` +
        'Try again shortly.',
      options,
    );
    this.domain = domain;
    this.name = 'DnsUnavailableError';
  }
}
