/**
 * BSON value helpers: canonical keys (equality by value, numbers compared across int32/int64/double),
 * the BSON comparison order (used by sort), dotted-path access and the `{ k: v }` rendering MongoDB
 * uses in E11000 messages.
 */
import { Long, ObjectId } from 'bson';
import type { Document } from 'bson';
import { checkFieldPath } from './reserved-names.ts';

export type Doc = Document;

/** The `_bsontype` tag of a bson class instance, if any. */
export function bsonTypeOf(v: unknown): string | undefined {
  if (v !== null && typeof v === 'object' && '_bsontype' in v) {
    const t = (v as { _bsontype: unknown })._bsontype;
    return typeof t === 'string' ? t : undefined;
  }
  return undefined;
}

export function isPlainObject(v: unknown): v is Doc {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v) || v instanceof Date || v instanceof RegExp) return false;
  if (bsonTypeOf(v) !== undefined) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A JS number (or the exact decimal string of a big integer) for any numeric BSON value. */
function numericKey(v: unknown): string | undefined {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (Number.isInteger(v) && !Number.isSafeInteger(v) && Number.isFinite(v)) return BigInt(v).toString();
    return String(v === 0 ? 0 : v);
  }
  if (typeof v === 'bigint') return v.toString();
  const t = bsonTypeOf(v);
  if (t === 'Long') return (v as Long).toString();
  if (t === 'Int32' || t === 'Double') return String((v as { valueOf(): number }).valueOf());
  if (t === 'Decimal128') {
    const n = Number((v as { toString(): string }).toString());
    return Number.isFinite(n) ? numericKey(n) : (v as { toString(): string }).toString();
  }
  return undefined;
}

export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  const t = bsonTypeOf(v);
  if (t === 'Long') return (v as Long).toNumber();
  if (t === 'Int32' || t === 'Double') return (v as { valueOf(): number }).valueOf();
  if (t === 'Decimal128') return Number((v as { toString(): string }).toString());
  return undefined;
}

/**
 * A string that is equal for two values exactly when MongoDB considers them equal
 * (null and missing are the same key, as in an index; numbers by value).
 */
export function canonicalKey(v: unknown): string {
  if (v === undefined || v === null) return 'N';
  const num = numericKey(v);
  if (num !== undefined) return 'n' + num;
  if (typeof v === 'string') return 's' + JSON.stringify(v);
  if (typeof v === 'boolean') return v ? 'b1' : 'b0';
  if (v instanceof Date) return 'd' + v.getTime();
  if (v instanceof RegExp) return 'r/' + v.source + '/' + v.flags;
  if (Array.isArray(v)) return '[' + v.map(canonicalKey).join(',') + ']';
  const t = bsonTypeOf(v);
  if (t === 'ObjectId') return 'o' + (v as ObjectId).toHexString();
  if (t === 'Binary') {
    const b = v as { sub_type: number; buffer: Uint8Array };
    return 'x' + b.sub_type + ':' + Buffer.from(b.buffer).toString('base64');
  }
  if (t === 'MinKey') return 'm-';
  if (t === 'MaxKey') return 'm+';
  if (t !== undefined) return t + ':' + JSON.stringify(v);
  if (typeof v === 'object') {
    const parts: string[] = [];
    for (const [k, val] of Object.entries(v as Doc)) parts.push(JSON.stringify(k) + ':' + canonicalKey(val));
    return '{' + parts.join(',') + '}';
  }
  return typeof v + ':' + String(v);
}

/**
 * `canonicalKey(a) === canonicalKey(b)` without building either string: containers are walked in step
 * (stopping at the first difference), and only leaves other than strings, booleans and numbers are keyed.
 */
export function sameCanonical(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const ta = typeof a;
  if (ta === 'string' || typeof b === 'string') return false;
  if (ta === 'number' && typeof b === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b));
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameCanonical(a[i], b[i])) return false;
    return true;
  }
  if (isKeyedObject(a)) {
    if (!isKeyedObject(b)) return false;
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    for (let i = 0; i < ka.length; i++) {
      if (ka[i] !== kb[i] || !sameCanonical(a[ka[i]], b[kb[i]])) return false;
    }
    return true;
  }
  if (Array.isArray(b) || isKeyedObject(b)) return false;
  return canonicalKey(a) === canonicalKey(b);
}

/** An object canonicalKey renders field by field (not null, an array, a Date, a RegExp or a bson value). */
function isKeyedObject(v: unknown): v is Doc {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    !(v instanceof Date) &&
    !(v instanceof RegExp) &&
    bsonTypeOf(v) === undefined
  );
}

/** Rank of a value's type in MongoDB's comparison order. */
function typeRank(v: unknown): number {
  if (v === undefined || v === null) return 2;
  if (numericKey(v) !== undefined) return 3;
  if (typeof v === 'string') return 4;
  if (typeof v === 'boolean') return 9;
  if (v instanceof Date) return 10;
  if (v instanceof RegExp) return 12;
  if (Array.isArray(v)) return 6;
  switch (bsonTypeOf(v)) {
    case 'MinKey':
      return 1;
    case 'BSONSymbol':
      return 4;
    case 'Binary':
      return 7;
    case 'ObjectId':
      return 8;
    case 'Timestamp':
      return 11;
    case 'BSONRegExp':
      return 12;
    case 'MaxKey':
      return 100;
    case undefined:
      return 5;
    default:
      return 13;
  }
}

function compareNumbers(a: unknown, b: unknown): number {
  const x = toNumber(a) ?? 0;
  const y = toNumber(b) ?? 0;
  if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : -1;
  if (Number.isNaN(y)) return 1;
  if (x !== y) return x < y ? -1 : 1;
  const ta = bsonTypeOf(a);
  const tb = bsonTypeOf(b);
  if (ta === 'Long' && tb === 'Long') return (a as Long).compare(b as Long);
  return 0;
}

/** MongoDB's total order over BSON values (-1, 0, 1). */
export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 3:
      return compareNumbers(a, b);
    case 4: {
      const x = String(a),
        y = String(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 9:
      return a === b ? 0 : a ? 1 : -1;
    case 10:
      return Math.sign((a as Date).getTime() - (b as Date).getTime());
    case 8: {
      const x = (a as ObjectId).toHexString(),
        y = (b as ObjectId).toHexString();
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 6: {
      const x = a as unknown[],
        y = b as unknown[];
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compareValues(x[i], y[i]);
        if (c !== 0) return c;
      }
      return Math.sign(x.length - y.length);
    }
    case 5: {
      const x = Object.entries(a as Doc),
        y = Object.entries(b as Doc);
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compareValues(x[i][1], y[i][1]);
        if (c !== 0) return c;
        if (x[i][0] !== y[i][0]) return x[i][0] < y[i][0] ? -1 : 1;
      }
      return Math.sign(x.length - y.length);
    }
    default: {
      const x = canonicalKey(a),
        y = canonicalKey(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
  }
}

/**
 * The values at a dotted path; arrays met on the way are traversed (as MongoDB does for queries,
 * sort keys and index keys). A missing path yields `[undefined]`.
 */
export function valuesAtPath(doc: unknown, path: string): unknown[] {
  const parts = path.split('.');
  const out: unknown[] = [];
  const walk = (v: unknown, i: number): void => {
    if (i === parts.length) {
      out.push(v);
      return;
    }
    if (Array.isArray(v)) {
      const idx = /^\d+$/.test(parts[i]) ? Number(parts[i]) : -1;
      if (idx >= 0) {
        walk(v[idx], i + 1);
        return;
      }
      if (v.length === 0) {
        out.push(undefined);
        return;
      }
      for (const el of v) walk(isPlainObject(el) || Array.isArray(el) ? el : undefined, i);
      return;
    }
    if (v !== null && typeof v === 'object' && isPlainObject(v)) {
      walk((v as Doc)[parts[i]], i + 1);
      return;
    }
    out.push(undefined);
  };
  walk(doc, 0);
  return out.length ? out : [undefined];
}

/** The value at a dotted path without array traversal (undefined when missing). */
export function getPath(doc: Doc, path: string): unknown {
  let cur: unknown = doc;
  for (const p of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Doc)[p];
  }
  return cur;
}

/** Sets a value at a dotted path, creating intermediate objects. */
export function setPath(doc: Doc, path: string, value: unknown): void {
  checkFieldPath(path);
  const parts = path.split('.');
  let cur: Doc = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const next: unknown = cur[parts[i]];
    if (next === null || typeof next !== 'object') cur[parts[i]] = {};
    cur = cur[parts[i]] as Doc;
  }
  cur[parts[parts.length - 1]] = value;
}

/** Renders a value the way mongod prints it in error messages (`"x"`, `5`, `ObjectId('…')`). */
export function renderValue(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if (Array.isArray(v)) return '[ ' + v.map(renderValue).join(', ') + ' ]';
  const t = bsonTypeOf(v);
  if (t === 'ObjectId') return `ObjectId('${(v as ObjectId).toHexString()}')`;
  if (t === 'Long') return (v as Long).toString();
  if (t !== undefined) return String(v);
  if (typeof v === 'object') return renderDoc(v as Doc);
  return String(v);
}

export function renderDoc(d: Doc): string {
  const parts = Object.entries(d).map(([k, v]) => `${k}: ${renderValue(v)}`);
  return parts.length ? `{ ${parts.join(', ')} }` : '{}';
}

/** A deep copy that keeps bson class instances (immutable value objects) and copies Dates. */
export function cloneDoc<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x: unknown) => cloneDoc(x)) as T;
  if (v instanceof Date) return new Date(v.getTime()) as T;
  if (isPlainObject(v)) {
    const out: Doc = {};
    for (const [k, val] of Object.entries(v)) out[k] = cloneDoc(val);
    return out as T;
  }
  return v;
}

export { Long };
