/**
 * Conditional requests (RFC 9110, section 13): a portal's ETag is its revision, quoted and strong.
 * Writes take `If-Match: "<revision>"` or `If-Match: *` (the portal must exist) and, on PUT,
 * `If-None-Match: *` (create only); reads take `If-None-Match` and answer 304 when it matches.
 * Preconditions are never required (no 428): a write without one behaves as it always has.
 */
import type { WriteCondition } from '../portals/errors.ts';
import { problem, type Problem } from '../http/problem.ts';

export function etagOf(revision: string): string {
  return `"${revision}"`;
}

interface EntityTag {
  weak: boolean;
  opaque: string;
}

/** `W/"…"` or `"…"`, comma-separated, with the characters RFC 9110 allows inside the quotes. */
const ENTITY_TAG = /^\s*(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"\s*(?:,|$)/;

/** `*`, a list of entity tags, or undefined when the header is not one (the caller names the header). */
function parseEntityTags(header: string): '*' | EntityTag[] | undefined {
  if (header.trim() === '*') return '*';
  const tags: EntityTag[] = [];
  let rest = header;
  while (rest.trim() !== '') {
    const match = ENTITY_TAG.exec(rest);
    if (!match) return undefined;
    tags.push({ weak: match[1] !== undefined, opaque: match[2] });
    rest = rest.slice(match[0].length);
  }
  return tags.length > 0 ? tags : undefined;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/** What a write's preconditions ask for, or the problem with them (400). */
export function writeCondition(
  headers: Record<string, string | string[] | undefined>,
  method: 'PUT' | 'DELETE',
): { condition: WriteCondition } | { problem: Problem } {
  const ifMatch = header(headers['if-match']);
  const ifNoneMatch = header(headers['if-none-match']);
  if (ifMatch !== undefined && ifNoneMatch !== undefined) {
    return { problem: problem(400, 'Send If-Match or If-None-Match, not both.') };
  }
  if (ifMatch !== undefined) {
    const tags = parseEntityTags(ifMatch);
    if (tags === '*') return { condition: { exists: true } };
    if (!tags || tags.length !== 1) {
      return { problem: problem(400, 'If-Match must be one entity tag, as an ETag header gave it ("…"), or *.') };
    }
    // If-Match compares strongly: a weak tag must match nothing, and no revision contains "/".
    return { condition: { revision: tags[0].weak ? `W/${tags[0].opaque}` : tags[0].opaque } };
  }
  if (ifNoneMatch !== undefined) {
    if (method === 'PUT' && parseEntityTags(ifNoneMatch) === '*') return { condition: { exists: false } };
    return { problem: problem(400, `If-None-Match on ${method} may only be * (PUT: create, never replace).`) };
  }
  return { condition: {} };
}

/** True when a read's If-None-Match names the current revision (weak comparison) or is `*`. */
export function notModified(headers: Record<string, string | string[] | undefined>, revision: string): boolean {
  const ifNoneMatch = header(headers['if-none-match']);
  if (ifNoneMatch === undefined) return false;
  const tags = parseEntityTags(ifNoneMatch);
  return tags === '*' || (tags?.some((tag) => tag.opaque === revision) ?? false);
}
