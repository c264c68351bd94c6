/**
 * The REST door's one mapping of domain errors to problem details; anything that is not a domain
 * error is unexpected and becomes a masked 500 (app.ts logs it).
 */
import type { FastifyReply } from 'fastify';
import {
  ConflictError,
  DatabaseUnavailableError,
  DnsUnavailableError,
  DomainVerificationFailedError,
  DomainError,
  IdempotencyKeyInUseError,
  IdempotencyKeyReusedError,
  NotFoundError,
  ValidationError,
} from '../portals/errors.ts';
import { problem, sendProblem, type Problem } from '../http/problem.ts';
import { etagOf } from './preconditions.ts';

/** A problem for an error thrown by the domain, or undefined when the error is unexpected. */
export function problemForError(error: unknown): Problem | undefined {
  if (error instanceof ValidationError) return problem(422, error.message, error.invalidFields);
  if (error instanceof NotFoundError) return problem(404, error.message);
  if (error instanceof ConflictError) {
    const state =
      error.currentRevision === null
        ? 'does not exist'
        : `is at ETag ${etagOf(error.currentRevision)}${error.expectedAbsent ? ' already' : ''}`;
    return problem(
      412,
      `Billing portal "${error.resourceId}" ${state}: the precondition does not hold; nothing changed.`,
    );
  }
  if (error instanceof IdempotencyKeyReusedError) return problem(422, error.message);
  if (error instanceof IdempotencyKeyInUseError) return problem(409, error.message);
  if (error instanceof DatabaseUnavailableError) return problem(503, error.message);
  if (error instanceof DomainVerificationFailedError) {
    return problem(422, error.message, [{ field: 'customDomain', message: `is not verified: ${error.reason}` }]);
  }
  if (error instanceof DnsUnavailableError) return problem(503, error.message);
  if (error instanceof DomainError) return problem(400, error.message);
  return undefined;
}

/** Answers a domain error (with the current ETag on a 412); undefined when the error is unexpected. */
export function sendDomainProblem(reply: FastifyReply, error: unknown): FastifyReply | undefined {
  const known = problemForError(error);
  if (!known) return undefined;
  if (error instanceof ConflictError && error.currentRevision !== null)
    reply.header('ETag', etagOf(error.currentRevision));
  if (error instanceof IdempotencyKeyInUseError) reply.header('Retry-After', '1');
  if (error instanceof DnsUnavailableError) reply.header('Retry-After', '5');
  return sendProblem(reply, known);
}
