/**
 * A direct evaluator for the update pipelines applications write most: `$set`/`$addFields` stages of
 * top-level fields whose expressions use literals, top-level field paths, `$literal`, `$ifNull`, `$cond`,
 * `$eq`, `$type`, `$max` and `$add` on plain values. Building mingo's Aggregator for one document costs
 * more than the update itself; this gives mingo's answer without it.
 *
 * It answers only where its result is mingo's, value for value and field order included: anything
 * else (another stage or operator, a dotted or `$$` path, a value of another type, an expression mingo
 * would reject) makes it give up with UNSUPPORTED, before anything is changed, and the caller runs
 * mingo. Nothing is changed in place: stage outputs are new objects sharing unchanged values.
 * test/simple-pipeline.test.ts checks it against mingo on random pipelines and documents.
 */
import type { Doc } from './compare.ts';

export const UNSUPPORTED = Symbol('unsupported');
type Result = unknown;

class Unsupported extends Error {}
const GIVE_UP = new Unsupported();

function giveUp(): never {
  throw GIVE_UP;
}

/** The pipeline's output for `doc`, or UNSUPPORTED when mingo must evaluate it. */
export function evaluateSimplePipeline(doc: Doc, pipeline: Doc[]): Doc | typeof UNSUPPORTED {
  try {
    let current = doc;
    for (const stage of pipeline) current = applyStage(current, stage);
    return current;
  } catch {
    // GIVE_UP, or anything unforeseen (a nesting too deep): mingo decides.
    return UNSUPPORTED;
  }
}

const PLAIN_FIELD = /^[A-Za-z_][\w-]*$/;
const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

/** A top-level field name mingo reads and writes as a plain property. */
function isPlainField(name: string): boolean {
  return PLAIN_FIELD.test(name) && !RESERVED.has(name);
}

function applyStage(doc: Doc, stage: Doc): Doc {
  const names = Object.keys(stage);
  if (names.length !== 1 || (names[0] !== '$set' && names[0] !== '$addFields')) giveUp();
  const spec: unknown = stage[names[0]];
  if (!isLiteralObject(spec)) giveUp();
  const fields = Object.keys(spec);
  if (fields.length === 0) return doc;
  for (const field of fields) if (!isPlainField(field)) giveUp();
  // Every expression sees the stage's input, not the fields set before it in the same stage.
  const values = fields.map((field) => evaluate(doc, spec[field]));
  const out: Doc = { ...doc };
  for (let i = 0; i < fields.length; i++) {
    if (values[i] === undefined) delete out[fields[i]];
    else out[fields[i]] = values[i];
  }
  return out;
}

/** A plain object expression (mingo computes its fields); bson values and Dates are literals. */
function isLiteralObject(v: unknown): v is Doc {
  return v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype && !('_bsontype' in v);
}

/** An ObjectId, Long, Decimal128…: mingo takes it as a literal. */
function isBsonValue(v: object): boolean {
  return '_bsontype' in v && typeof v._bsontype === 'string' && v.constructor !== Object;
}

const OPERATOR = /^\$[a-zA-Z0-9_]+$/;

function evaluate(root: Doc, expr: unknown): Result {
  switch (typeof expr) {
    case 'string':
      return expr.startsWith('$') ? fieldValue(root, expr) : expr;
    case 'number':
    case 'boolean':
    case 'undefined':
      return expr;
    case 'object':
      break;
    default:
      giveUp();
  }
  if (expr === null || expr instanceof Date || isBsonValue(expr)) return expr;
  if (Array.isArray(expr)) return expr.map((e) => evaluate(root, e));
  if (!isLiteralObject(expr)) giveUp();
  const keys = Object.keys(expr);
  if (keys.length > 0 && OPERATOR.test(keys[0])) {
    if (keys.length !== 1) giveUp();
    return operator(root, keys[0], expr[keys[0]]);
  }
  const out: Doc = {};
  for (const key of keys) {
    if (key.startsWith('$')) giveUp();
    out[key] = evaluate(root, expr[key]);
  }
  return out;
}

/** `$name`: a top-level field of the stage's input (own fields only, as mingo reads them). */
function fieldValue(root: Doc, path: string): Result {
  const name = path.slice(1);
  if (!isPlainField(name)) giveUp();
  return Object.prototype.hasOwnProperty.call(root, name) ? root[name] : undefined;
}

const isNil = (v: unknown): v is null | undefined => v === null || v === undefined;

function operator(root: Doc, name: string, arg: unknown): Result {
  switch (name) {
    case '$literal':
      return arg;
    case '$ifNull': {
      if (!Array.isArray(arg)) giveUp();
      let value: Result = undefined;
      for (const e of arg) {
        value = evaluate(root, e);
        if (!isNil(value)) return value;
      }
      return value;
    }
    case '$cond': {
      let parts: unknown[];
      if (Array.isArray(arg) && arg.length === 3) parts = arg;
      else if (isLiteralObject(arg)) parts = [arg.if, arg.then, arg.else];
      else giveUp();
      const test = evaluate(root, parts[0]);
      // Truthiness as mingo's strict mode has it: the empty string counts as true.
      return evaluate(root, test || test === '' ? parts[1] : parts[2]);
    }
    case '$eq': {
      const [a, b] = pair(root, arg);
      const comparable = (v: unknown) => isNil(v) || typeof v === 'string' || typeof v === 'boolean';
      if (!comparable(a) || !comparable(b)) giveUp();
      return a === b || (isNil(a) && isNil(b));
    }
    case '$type':
      return typeName(evaluate(root, arg));
    case '$max': {
      const [a, b] = pair(root, arg);
      if (!isPlainNumber(a) || !isPlainNumber(b)) giveUp();
      if (a === b && !Object.is(a, b)) giveUp();
      return a > b ? a : b;
    }
    case '$add': {
      if (!Array.isArray(arg)) giveUp();
      const values = arg.map((e) => evaluate(root, e));
      let sum = 0;
      for (const v of values) {
        if (isNil(v)) return null;
        if (!isPlainNumber(v)) giveUp();
        sum += v;
      }
      return sum;
    }
    default:
      giveUp();
  }
}

function pair(root: Doc, arg: unknown): [unknown, unknown] {
  if (!Array.isArray(arg) || arg.length !== 2) giveUp();
  return [evaluate(root, arg[0]), evaluate(root, arg[1])];
}

function isPlainNumber(v: unknown): v is number {
  return typeof v === 'number' && !Number.isNaN(v);
}

const MIN_INT = -2147483648;
const MAX_INT = 2147483647;

/** `$type` as mingo names it (bson values and other classes: left to mingo). */
function typeName(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'number';
    if (v % 1 !== 0) return 'double';
    return v >= MIN_INT && v <= MAX_INT ? 'int' : 'long';
  }
  if (v instanceof Date) return 'date';
  if (Array.isArray(v)) return 'array';
  if (isLiteralObject(v)) return 'object';
  giveUp();
}
