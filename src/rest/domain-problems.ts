/**
 * The REST door's one mapping of domain errors to problem details; anything that is not a domain
 * error is unexpected and becomes a masked 500 (app.ts logs it).
 */
import { DatabaseUnavailableError, DomainError, NotFoundError, ValidationError } from '../portals/errors.ts';
import { problem, type Problem } from '../http/problem.ts';

/** A problem for an error thrown by the domain, or undefined when the error is unexpected. */
export function problemForError(error: unknown): Problem | undefined {
  if (error instanceof ValidationError) return problem(422, error.message, error.invalidFields);
  if (error instanceof NotFoundError) return problem(404, error.message);
  if (error instanceof DatabaseUnavailableError) return problem(503, error.message);
  if (error instanceof DomainError) return problem(400, error.message);
  return undefined;
}
