/**
 * Idempotency keys for creating portals: a client names its request with a key, and retrying it (after
 * a timeout, on another instance) replays the first answer instead of creating a second portal. Keys
 * are scoped to the organization and remembered for 24 hours; only a request that created a portal
 * keeps its key (one that failed can be retried, or corrected, with the same key).
 */
import { createHash } from 'node:crypto';
import type { PortalFields } from './fields.ts';

export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

/** 1–255 printable ASCII characters, not starting or ending with a space. */
const KEY = /^[\x21-\x7e](?:[\x20-\x7e]{0,253}[\x21-\x7e])?$/;

/** What is wrong with a key, or undefined when it is a valid one. */
export function idempotencyKeyProblem(key: string): string | undefined {
  if (key.length === 0) return 'must not be empty';
  if (key.length > 255) return 'must be at most 255 characters long';
  if (!KEY.test(key)) return 'may contain only printable ASCII characters, and not start or end with a space';
  return undefined;
}

/** Which request a key stands for: the portal it asks for, defaults filled in (so equivalent bodies agree). */
export function fingerprintOf(fields: PortalFields): string {
  // withDefaults builds the fields in declaration order, so the JSON is canonical.
  return createHash('sha256').update(JSON.stringify(fields)).digest('base64url');
}
