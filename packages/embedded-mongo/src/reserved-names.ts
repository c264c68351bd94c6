/**
 * Field names that would reach JavaScript's object machinery (`__proto__`, `constructor`, `prototype`)
 * are refused wherever a command names fields: keys at any depth, dotted-path segments, and the
 * `$field.path` strings of aggregation expressions. Stored documents are plain objects, so a path
 * through one of these names could write onto `Object.prototype` for the whole process.
 */
import type { Doc } from './compare.ts';
import { MongoCommandError } from './errors.ts';

const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);
/** Pipeline options whose string value names a field without a `$` (`$lookup`'s `as`, …). */
const PATH_OPTIONS = new Set([
  'as',
  'includeArrayIndex',
  'localField',
  'foreignField',
  'connectFromField',
  'connectToField',
  'depthField',
  '$count',
]);

/** A document (not a BSON value, a Date or a RegExp, which have their own prototypes). */
function isPlainObject(v: unknown): v is Doc {
  if (v === null || typeof v !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function refuse(name: string, path: string): never {
  throw new MongoCommandError(
    'BadValue',
    `field name '${name}' in '${path}' is not allowed: the embedded server reserves __proto__, constructor ` +
      'and prototype',
  );
}

/** Throws BadValue when `path` (a dotted field path, possibly `$`- or `$$`-prefixed) has a reserved segment. */
export function checkFieldPath(path: string): void {
  // A path without any reserved word as a substring has no reserved segment: skip the split.
  if (!mayHoldReserved(path)) return;
  for (const segment of path.replace(/^\$+/, '').split('.')) if (RESERVED.has(segment)) refuse(segment, path);
}

function mayHoldReserved(path: string): boolean {
  return path.includes('__proto__') || path.includes('constructor') || path.includes('prototype');
}

function checkPathString(v: unknown): void {
  if (typeof v === 'string') checkFieldPath(v);
}

/**
 * Checks every key of `value` at any depth and `$rename`'s targets; with `expressions`, also every
 * `$`-prefixed string (a field path or variable in an aggregation pipeline or a pipeline-style update)
 * and the field names stages take as plain strings.
 */
export function checkFieldNames(value: unknown, expressions = false): void {
  if (typeof value === 'string') {
    if (expressions && value.startsWith('$')) checkFieldPath(value);
  } else if (Array.isArray(value)) {
    for (const item of value) checkFieldNames(item, expressions);
  } else if (isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      checkFieldPath(key);
      const v = value[key];
      if (key === '$rename' && isPlainObject(v)) for (const to of Object.values(v)) checkPathString(to);
      if (expressions && PATH_OPTIONS.has(key)) checkPathString(v);
      checkFieldNames(v, expressions);
    }
  }
}

/** The field names and field paths of a whole command document (its filters, updates, pipelines, keys). */
export function checkCommandFieldNames(cmd: Doc): void {
  checkFieldNames(cmd);
  const inner = isPlainObject(cmd.explain) ? cmd.explain : cmd;
  checkFieldNames(inner.pipeline, true);
  if (typeof inner.key === 'string') checkFieldPath(inner.key);
  if (Array.isArray(inner.update)) checkFieldNames(inner.update, true);
  if (!Array.isArray(inner.updates)) return;
  for (const stmt of inner.updates) if (isPlainObject(stmt) && Array.isArray(stmt.u)) checkFieldNames(stmt.u, true);
}
