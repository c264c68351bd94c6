/**
 * Secondary indexes. Each index turns a document into zero or more index keys (a canonical string per
 * combination of key values; multikey over arrays) and maps keys to document ids.
 *
 * `IndexAccess` is the seam for the query planner: today `HashIndex` answers equality probes and
 * unique checks in O(1); an ordered implementation (range scans, sorted walks) can implement the
 * same interface plus range methods without touching the commands.
 */
import { Query } from 'mingo';
import { canonicalKey, renderValue, valuesAtPath } from '../compare.js';
import type { Doc } from '../compare.js';
import { MongoCommandError } from '../errors.js';
import { BASE_OPTIONS } from '../mingo-options.js';

export interface IndexSpec {
  v?: number;
  key: Record<string, number | string>;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Doc;
  [option: string]: unknown;
}

/** One index entry of a document: its canonical key and the field values it was made from. */
export interface IndexEntry {
  key: string;
  values: unknown[];
}

export interface IndexAccess {
  readonly spec: IndexSpec;
  readonly fields: readonly string[];
  /** The entries a document contributes (none when sparse/partial exclude it). */
  entriesOf(doc: Doc): IndexEntry[];
  /** For a unique index: the first entry of `entries` held by a different document. */
  findConflict(entries: IndexEntry[], id: string): IndexEntry | undefined;
  add(entries: IndexEntry[], id: string): void;
  remove(entries: IndexEntry[], id: string): void;
  /** Ids of documents whose entry equals `key` (an equality probe). */
  lookup(key: string): Iterable<string>;
  /** Whether an equality probe on all fields returns every matching document. */
  readonly servesEquality: boolean;
  clear(): void;
}

/** Canonical key for a tuple of values, one per indexed field. */
export function tupleKey(values: unknown[]): string {
  return values.length === 1 ? canonicalKey(values[0]) : values.map(canonicalKey).join('\u0001');
}

export function defaultIndexName(key: Record<string, unknown>): string {
  return Object.entries(key).map(([k, v]) => `${k}_${String(v)}`).join('_');
}

function indexValues(doc: Doc, field: string): unknown[] {
  const out: unknown[] = [];
  for (const v of valuesAtPath(doc, field)) {
    if (Array.isArray(v)) {
      if (v.length === 0) out.push(undefined);
      else out.push(...v);
    } else out.push(v);
  }
  return out;
}

export class HashIndex implements IndexAccess {
  readonly fields: readonly string[];
  readonly servesEquality: boolean;
  private readonly unique: boolean;
  private readonly partial: Query | undefined;
  /** unique: key → id; non-unique: key → set of ids. */
  private readonly byKey = new Map<string, string | Set<string>>();

  constructor(readonly spec: IndexSpec) {
    this.fields = Object.keys(spec.key);
    this.unique = spec.unique === true;
    this.partial = spec.partialFilterExpression ? new Query(spec.partialFilterExpression, BASE_OPTIONS) : undefined;
    this.servesEquality = !spec.sparse && !this.partial;
  }

  entriesOf(doc: Doc): IndexEntry[] {
    if (this.partial && !this.partial.test(doc)) return [];
    const perField = this.fields.map((f) => indexValues(doc, f));
    if (this.spec.sparse && perField.every((vals) => vals.every((v) => v === undefined))) return [];
    let combos: unknown[][] = [[]];
    for (const vals of perField) {
      const next: unknown[][] = [];
      for (const c of combos) for (const v of vals) next.push([...c, v]);
      combos = next;
    }
    const seen = new Set<string>();
    const out: IndexEntry[] = [];
    for (const values of combos) {
      const key = tupleKey(values);
      if (!seen.has(key)) {
        seen.add(key);
        out.push({ key, values });
      }
    }
    return out;
  }

  findConflict(entries: IndexEntry[], id: string): IndexEntry | undefined {
    if (!this.unique) return undefined;
    for (const e of entries) {
      const holder = this.byKey.get(e.key);
      if (typeof holder === 'string' && holder !== id) return e;
    }
    return undefined;
  }

  add(entries: IndexEntry[], id: string): void {
    for (const e of entries) {
      if (this.unique) {
        this.byKey.set(e.key, id);
        continue;
      }
      let set = this.byKey.get(e.key);
      if (!(set instanceof Set)) {
        set = new Set<string>();
        this.byKey.set(e.key, set);
      }
      set.add(id);
    }
  }

  remove(entries: IndexEntry[], id: string): void {
    for (const e of entries) {
      const holder = this.byKey.get(e.key);
      if (holder === id) this.byKey.delete(e.key);
      else if (holder instanceof Set) {
        holder.delete(id);
        if (holder.size === 0) this.byKey.delete(e.key);
      }
    }
  }

  lookup(key: string): Iterable<string> {
    const holder = this.byKey.get(key);
    if (holder === undefined) return [];
    return typeof holder === 'string' ? [holder] : holder;
  }

  clear(): void {
    this.byKey.clear();
  }
}

/** The E11000 error MongoDB reports for a duplicate key. */
export function duplicateKeyError(ns: string, spec: IndexSpec, values: unknown[]): MongoCommandError {
  const fields = Object.keys(spec.key);
  const keyValue: Doc = {};
  fields.forEach((f, i) => {
    keyValue[f] = values[i] === undefined ? null : values[i];
  });
  const keyPattern: Doc = { ...spec.key };
  const rendered = fields.map((f) => `${f}: ${renderValue(keyValue[f])}`).join(', ');
  return new MongoCommandError(
    'DuplicateKey',
    `E11000 duplicate key error collection: ${ns} index: ${spec.name} dup key: { ${rendered} }`,
    { keyPattern, keyValue },
  );
}
