/**
 * Every request's id: the caller's `X-Request-Id` when it is a plausible one (so that a proxy's or a
 * client's id follows the request through our logs), otherwise a new UUID. It is sent back in
 * `X-Request-Id`, labels every log line of the request, and is in every error body.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

/** Printable, no spaces or quotes, at most 128 characters: safe in a header, a log line and a JSON body. */
const VALID_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

export function requestIdOf(request: IncomingMessage): string {
  const incoming = request.headers[REQUEST_ID_HEADER];
  return typeof incoming === 'string' && VALID_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}
