/**
 * One collection: documents by canonical `_id` key (insertion order = natural order), its indexes,
 * and the access paths a query can use (`candidates`). Every mutation validates all unique
 * constraints before changing anything, so a single-document write is all-or-nothing.
 */
import { canonicalKey } from '../compare.js';
import type { Doc } from '../compare.js';
import { MongoCommandError } from '../errors.js';
import { HashIndex, duplicateKeyError } from './indexes.js';
import { executePath, planQuery } from './planner.js';
import type { IndexAccess, IndexEntry, IndexSpec } from './indexes.js';

export const ID_INDEX_SPEC: IndexSpec = { v: 2, key: { _id: 1 }, name: '_id_' };

/** Receives a record for every change, for the journal. */
export type ChangeLog = (record: Doc) => void;

export class Collection {
  readonly docs = new Map<string, Doc>();
  readonly indexes = new Map<string, IndexAccess>();

  constructor(
    readonly db: string,
    readonly name: string,
    readonly options: Doc,
    private readonly log: ChangeLog,
  ) {}

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
   * planner picks: a direct `_id` lookup, an equality probe on an index, or a full scan.
   */
  candidates(filter: Doc): Iterable<Doc> {
    return executePath(this, planQuery(this, filter));
  }

  /** Inserts a document (which must have `_id`). Throws E11000 on a duplicate. */
  insert(doc: Doc): void {
    const id = canonicalKey(doc._id);
    if (this.docs.has(id)) throw duplicateKeyError(this.ns, ID_INDEX_SPEC, [doc._id]);
    const entries = this.checkUnique(doc, id);
    this.docs.set(id, doc);
    for (const [index, e] of entries) index.add(e, id);
    this.log({ op: 'put', db: this.db, coll: this.name, doc });
  }

  /** Replaces `oldDoc` by `newDoc` (same `_id`). Throws E11000 on a duplicate. */
  replace(oldDoc: Doc, newDoc: Doc): void {
    const id = canonicalKey(oldDoc._id);
    if (canonicalKey(newDoc._id) !== id) {
      throw new MongoCommandError('ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
    }
    const entries = this.checkUnique(newDoc, id);
    for (const index of this.indexes.values()) index.remove(index.entriesOf(oldDoc), id);
    this.docs.set(id, newDoc);
    for (const [index, e] of entries) index.add(e, id);
    this.log({ op: 'put', db: this.db, coll: this.name, doc: newDoc });
  }

  remove(doc: Doc): void {
    const id = canonicalKey(doc._id);
    if (!this.docs.delete(id)) return;
    for (const index of this.indexes.values()) index.remove(index.entriesOf(doc), id);
    this.log({ op: 'del', db: this.db, coll: this.name, id: doc._id });
  }

  /** Adds an index, building it from the current documents; throws E11000 if a unique one can't hold. */
  createIndex(spec: IndexSpec): void {
    const index = new HashIndex(spec);
    for (const [id, doc] of this.docs) {
      const entries = index.entriesOf(doc);
      const conflict = index.findConflict(entries, id);
      if (conflict) throw duplicateKeyError(this.ns, spec, conflict.values);
      index.add(entries, id);
    }
    this.indexes.set(spec.name, index);
    this.log({ op: 'createIndex', db: this.db, coll: this.name, spec });
  }

  dropIndex(name: string): void {
    if (this.indexes.delete(name)) this.log({ op: 'dropIndex', db: this.db, coll: this.name, name });
  }

  /** Journal replay: put a document without constraint checks. */
  restorePut(doc: Doc): void {
    const id = canonicalKey(doc._id);
    const old = this.docs.get(id);
    if (old) for (const index of this.indexes.values()) index.remove(index.entriesOf(old), id);
    this.docs.set(id, doc);
    for (const index of this.indexes.values()) index.add(index.entriesOf(doc), id);
  }

  restoreDelete(idValue: unknown): void {
    const id = canonicalKey(idValue);
    const old = this.docs.get(id);
    if (!old) return;
    this.docs.delete(id);
    for (const index of this.indexes.values()) index.remove(index.entriesOf(old), id);
  }

  restoreIndex(spec: IndexSpec): void {
    const index = new HashIndex(spec);
    for (const [id, doc] of this.docs) index.add(index.entriesOf(doc), id);
    this.indexes.set(spec.name, index);
  }

  private checkUnique(doc: Doc, id: string): Array<[IndexAccess, IndexEntry[]]> {
    const out: Array<[IndexAccess, IndexEntry[]]> = [];
    for (const index of this.indexes.values()) {
      const entries = index.entriesOf(doc);
      const conflict = index.findConflict(entries, id);
      if (conflict) throw duplicateKeyError(this.ns, index.spec, conflict.values);
      out.push([index, entries]);
    }
    return out;
  }
}
