/**
 * The storage engine: databases → collections, the change log feeding the journal, and replay.
 * A database exists while it holds at least one collection (as in MongoDB).
 */
import { ChangeEventLog } from '../changes/event-log.ts';
import type { ChangeLogOptions } from '../changes/event-log.ts';
import type { Doc } from '../compare.ts';
import { MongoCommandError } from '../errors.ts';
import { Collection } from './collection.ts';
import type { IndexSpec } from './indexes.ts';
import type { Journal } from './journal.ts';

export class Engine {
  readonly databases = new Map<string, Map<string, Collection>>();
  private journal: Journal | undefined;
  /** True during start-up replay: index maintenance is deferred to one bulk build per index. */
  private restoring = false;
  /** Every committed write, for change streams. */
  readonly changes: ChangeEventLog;

  constructor(options: { changeLog?: ChangeLogOptions } = {}) {
    this.changes = new ChangeEventLog(options.changeLog);
  }

  beginRestore(): void {
    this.restoring = true;
  }

  /** Ends a replay: builds every deferred index (one sort per index). */
  endRestore(): void {
    this.restoring = false;
    for (const colls of this.databases.values()) for (const c of colls.values()) if (c.deferIndexes) c.rebuildIndexes();
  }

  attachJournal(journal: Journal): void {
    this.journal = journal;
  }

  /** Resolves once every change made so far is durable (immediately when memory-only). */
  sync(): Promise<void> {
    return this.journal ? this.journal.sync() : Promise.resolve();
  }

  private readonly log = (record: Doc): void => {
    this.journal?.append(record);
  };

  getCollection(db: string, name: string): Collection | undefined {
    return this.databases.get(db)?.get(name);
  }

  /** The collection, created implicitly (as inserts and index builds do) when missing. */
  ensureCollection(db: string, name: string, options: Doc = {}): { coll: Collection; created: boolean } {
    const existing = this.getCollection(db, name);
    if (existing) return { coll: existing, created: false };
    validateNames(db, name);
    let colls = this.databases.get(db);
    if (!colls) {
      colls = new Map();
      this.databases.set(db, colls);
    }
    const coll = new Collection(db, name, options, this.log, this.changes);
    colls.set(name, coll);
    this.log({ op: 'createColl', db, coll: name, options });
    this.changes.record({ op: 'create', db, coll: name, options });
    return { coll, created: true };
  }

  dropCollection(db: string, name: string): boolean {
    const colls = this.databases.get(db);
    if (!colls?.delete(name)) return false;
    if (colls.size === 0) this.databases.delete(db);
    this.log({ op: 'dropColl', db, coll: name });
    this.changes.record({ op: 'drop', db, coll: name });
    return true;
  }

  dropDatabase(db: string): void {
    const colls = this.databases.get(db);
    if (!colls) return;
    this.databases.delete(db);
    this.log({ op: 'dropDb', db });
    // As MongoDB: one drop per collection, then the database's.
    for (const name of colls.keys()) this.changes.record({ op: 'drop', db, coll: name });
    this.changes.record({ op: 'dropDatabase', db, coll: '' });
  }

  /** Applies one journal/snapshot record (trusted: no constraint checks, nothing logged). */
  applyRecord(r: Doc): void {
    const db = String(r.db);
    const coll = typeof r.coll === 'string' ? r.coll : '';
    const target = (): Collection => {
      let colls = this.databases.get(db);
      if (!colls) {
        colls = new Map();
        this.databases.set(db, colls);
      }
      let c = colls.get(coll);
      if (!c) {
        c = new Collection(db, coll, {}, this.log, this.changes);
        c.deferIndexes = this.restoring;
        colls.set(coll, c);
      }
      return c;
    };
    switch (r.op) {
      case 'createColl': {
        const c = target();
        if (r.options && typeof r.options === 'object') Object.assign(c.options, r.options as Doc);
        break;
      }
      case 'put':
        target().restorePut(r.doc as Doc);
        break;
      case 'del':
        this.getCollection(db, coll)?.restoreDelete(r.id);
        break;
      case 'createIndex':
        target().restoreIndex(r.spec as IndexSpec);
        break;
      case 'dropIndex':
        this.getCollection(db, coll)?.indexes.delete(String(r.name));
        break;
      case 'dropColl': {
        const colls = this.databases.get(db);
        colls?.delete(coll);
        if (colls && colls.size === 0) this.databases.delete(db);
        break;
      }
      case 'dropDb':
        this.databases.delete(db);
        break;
      default:
        throw new Error(`unknown journal record op ${String(r.op)}`);
    }
  }

  /** The whole state as records that `applyRecord` rebuilds it from (for snapshots). */
  *snapshotRecords(): Generator<Doc> {
    for (const [db, colls] of this.databases) {
      for (const [name, coll] of colls) {
        yield { op: 'createColl', db, coll: name, options: coll.options };
        for (const index of coll.indexes.values()) yield { op: 'createIndex', db, coll: name, spec: index.spec };
        for (const doc of coll.docs.values()) yield { op: 'put', db, coll: name, doc };
      }
    }
  }
}

function validateNames(db: string, coll: string): void {
  if (!db || /[/\\. "$\0]/.test(db)) throw new MongoCommandError('InvalidNamespace', `Invalid database name: '${db}'`);
  if (!coll || coll.includes('\0') || coll.startsWith('system.') || coll.includes('$')) {
    throw new MongoCommandError('InvalidNamespace', `Invalid collection name: ${coll}`);
  }
}
