/**
 * One collection: documents by canonical `_id` key (insertion order = natural order), each with an
 * insertion sequence number, and its ordered indexes. Every mutation computes and validates all
 * unique constraints before changing anything, then updates the document and every index together
 * (synchronously), so a single-document write is all-or-nothing and indexes never lag.
 *
 * During start-up replay (`deferIndexes`) index maintenance is skipped and `rebuildIndexes` builds
 * each index once, by sorting its entries, at the end.
 */
import { canonicalKey } from '../compare.ts';
import type { Doc } from '../compare.ts';
import type { ChangeEventLog } from '../changes/event-log.ts';
import { MongoCommandError } from '../errors.ts';
import { OrderedIndex, duplicateKeyError, sameKeys } from './indexes.ts';
import type { IndexKeys, IndexSpec, Slot } from './indexes.ts';
import { executePath, planQuery } from './planner.ts';

export const ID_INDEX_SPEC: IndexSpec = { v: 2, key: { _id: 1 }, name: '_id_' };

/** Receives a record for every change, for the journal. */
export type ChangeLog = (record: Doc) => void;

export class Collection {
  readonly docs = new Map<string, Doc>();
  /** Insertion sequence of each document (by canonical `_id` key); kept across replacements. */
  readonly seqs = new Map<string, number>();
  readonly indexes = new Map<string, OrderedIndex>();
  /** True while a start-up replay defers index maintenance. */
  deferIndexes = false;
  private nextSeq = 1;

  readonly db: string;
  readonly name: string;
  readonly options: Doc;
  private readonly log: ChangeLog;
  private readonly changes: ChangeEventLog | undefined;

  /** `changes` records each write for change streams (the engine's log; tests of storage alone omit it). */
  constructor(db: string, name: string, options: Doc, log: ChangeLog, changes?: ChangeEventLog) {
    this.db = db;
    this.name = name;
    this.options = options;
    this.log = log;
    this.changes = changes;
  }

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  indexSpecs(): IndexSpec[] {
    return [ID_INDEX_SPEC, ...[...this.indexes.values()].map((i) => i.spec)];
  }

  getById(id: unknown): Doc | undefined {
    return this.docs.get(canonicalKey(id));
  }

  /**
   * Documents that may match `filter` (callers still test the filter), from the access path the
   * planner picks for it (no sort).
   */
  candidates(filter: Doc): Iterable<Doc> {
    return executePath(this, planQuery(this, filter));
  }

  /** Inserts a document (which must have `_id`). Throws E11000 on a duplicate. */
  insert(doc: Doc): void {
    const id = canonicalKey(doc._id);
    if (this.docs.has(id)) throw duplicateKeyError(this.ns, ID_INDEX_SPEC, [doc._id]);
    const keys = this.checkUnique(doc, id);
    const seq = this.nextSeq++;
    this.docs.set(id, doc);
    this.seqs.set(id, seq);
    for (const [index, k] of keys) index.add(k, id, seq);
    this.log({ op: 'put', db: this.db, coll: this.name, doc });
    this.changes?.record({ op: 'insert', db: this.db, coll: this.name, after: doc });
  }

  /**
   * Replaces `oldDoc` by `newDoc` (same `_id`). Throws E11000 on a duplicate. `kind` says what change
   * streams report: an operator or pipeline update, or a replacement document.
   */
  replace(oldDoc: Doc, newDoc: Doc, kind: 'update' | 'replace' = 'update'): void {
    const id = canonicalKey(oldDoc._id);
    if (canonicalKey(newDoc._id) !== id) {
      throw new MongoCommandError(
        'ImmutableField',
        "Performing an update on the path '_id' would modify the immutable field '_id'",
      );
    }
    const changed = this.changedKeys(oldDoc, newDoc, id);
    const seq = this.seqs.get(id) ?? this.nextSeq++;
    for (const [index, , before] of changed) index.remove(before, id, seq);
    this.docs.set(id, newDoc);
    this.seqs.set(id, seq);
    for (const [index, after] of changed) index.add(after, id, seq);
    this.log({ op: 'put', db: this.db, coll: this.name, doc: newDoc });
    this.changes?.record({ op: kind, db: this.db, coll: this.name, before: oldDoc, after: newDoc });
  }

  remove(doc: Doc): void {
    const id = canonicalKey(doc._id);
    const seq = this.seqs.get(id) ?? 0;
    if (!this.docs.delete(id)) return;
    this.seqs.delete(id);
    for (const index of this.indexes.values()) index.remove(index.keysOf(doc), id, seq);
    this.log({ op: 'del', db: this.db, coll: this.name, id: doc._id });
    this.changes?.record({ op: 'delete', db: this.db, coll: this.name, before: doc });
  }

  /** Adds an index, building it from the current documents; throws E11000 if a unique one can't hold. */
  createIndex(spec: IndexSpec): void {
    const index = new OrderedIndex(spec);
    index.rebuild(this.records());
    if (index.unique) {
      let prev: { vals: unknown[]; id: string } | undefined;
      for (const s of index.entries()) {
        if (prev && prev.id !== s.id && index.compareVals(prev.vals, s.vals) === 0)
          throw duplicateKeyError(this.ns, spec, s.vals);
        prev = s;
      }
    }
    this.indexes.set(spec.name, index);
    this.log({ op: 'createIndex', db: this.db, coll: this.name, spec });
  }

  dropIndex(name: string): void {
    if (this.indexes.delete(name)) this.log({ op: 'dropIndex', db: this.db, coll: this.name, name });
  }

  /** Every document with its id key and sequence, in natural order. */
  *records(): Generator<{ id: string; seq: number; doc: Doc }> {
    for (const [id, doc] of this.docs) yield { id, seq: this.seqs.get(id) ?? 0, doc };
  }

  /** Journal replay: put a document without constraint checks. */
  restorePut(doc: Doc): void {
    const id = canonicalKey(doc._id);
    const old = this.docs.get(id);
    const seq = this.seqs.get(id) ?? this.nextSeq++;
    if (old && !this.deferIndexes) for (const index of this.indexes.values()) index.remove(index.keysOf(old), id, seq);
    this.docs.set(id, doc);
    this.seqs.set(id, seq);
    if (!this.deferIndexes) for (const index of this.indexes.values()) index.add(index.keysOf(doc), id, seq);
  }

  restoreDelete(idValue: unknown): void {
    const id = canonicalKey(idValue);
    const old = this.docs.get(id);
    if (!old) return;
    const seq = this.seqs.get(id) ?? 0;
    this.docs.delete(id);
    this.seqs.delete(id);
    if (!this.deferIndexes) for (const index of this.indexes.values()) index.remove(index.keysOf(old), id, seq);
  }

  restoreIndex(spec: IndexSpec): void {
    const index = new OrderedIndex(spec);
    if (!this.deferIndexes) index.rebuild(this.records());
    this.indexes.set(spec.name, index);
  }

  /** Builds every index from the documents in one pass (end of a start-up replay). */
  rebuildIndexes(): void {
    const indexes = [...this.indexes.values()];
    const slots = indexes.map((): Slot[] => []);
    const multikey = indexes.map(() => false);
    for (const [id, doc] of this.docs) {
      const seq = this.seqs.get(id) ?? 0;
      for (let i = 0; i < indexes.length; i++) {
        const k = indexes[i].keysOf(doc);
        if (k.multikey) multikey[i] = true;
        for (const vals of k.keys) slots[i].push({ vals, seq, id });
      }
    }
    indexes.forEach((index, i) => index.load(slots[i], multikey[i]));
    this.deferIndexes = false;
  }

  /**
   * The indexes whose keys a replacement changes, with the new and old keys; throws E11000 when a new
   * key is taken. An entry whose keys stay the same is left in place (it cannot newly conflict).
   */
  private changedKeys(oldDoc: Doc, newDoc: Doc, id: string): Array<[OrderedIndex, IndexKeys, IndexKeys]> {
    const out: Array<[OrderedIndex, IndexKeys, IndexKeys]> = [];
    for (const index of this.indexes.values()) {
      const after = index.keysOf(newDoc);
      const before = index.keysOf(oldDoc);
      if (sameKeys(before, after)) continue;
      const conflict = index.findConflict(after, id);
      if (conflict) throw duplicateKeyError(this.ns, index.spec, conflict);
      out.push([index, after, before]);
    }
    return out;
  }

  private checkUnique(doc: Doc, id: string): Array<[OrderedIndex, IndexKeys]> {
    const out: Array<[OrderedIndex, IndexKeys]> = [];
    for (const index of this.indexes.values()) {
      const keys = index.keysOf(doc);
      const conflict = index.findConflict(keys, id);
      if (conflict) throw duplicateKeyError(this.ns, index.spec, conflict);
      out.push([index, keys]);
    }
    return out;
  }
}
