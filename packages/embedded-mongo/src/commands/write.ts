/**
 * insert, update, delete, findAndModify. Each statement runs synchronously from match to commit,
 * so a single-document write is atomic; the reply waits until the journal has the changes on disk.
 */
import { ObjectId } from 'bson';
import type { Doc } from '../compare.ts';
import { isPlainObject, sameCanonical } from '../compare.ts';
import { MongoCommandError, toCommandError } from '../errors.ts';
import { Deadline } from '../limits.ts';
import { asDoc, checkFilter, findDocs, project } from '../query.ts';
import type { Collection } from '../storage/collection.ts';
import { applyUpdate, buildUpsertDocument, isOperatorUpdate, validateUpdate } from '../update.ts';
import type { UpdateSpec } from '../update.ts';
import type { CommandContext, CommandHandler } from './context.ts';
import { collectionName, optionalNumber } from './context.ts';

function statements(cmd: Doc, field: string): Doc[] {
  const v: unknown = cmd[field];
  if (!Array.isArray(v) || !v.every(isPlainObject)) {
    throw new MongoCommandError('FailedToParse', `'${field}' must be an array of objects`);
  }
  return v;
}

function writeErrorEntry(index: number, err: unknown): Doc {
  const e = toCommandError(err);
  return { index, code: e.code, errmsg: e.message, ...e.extra };
}

/** Finishes a write command: wait for durability, then build `{ n, ..., writeErrors?, ok: 1 }`. */
async function finish(ctx: CommandContext, reply: Doc, writeErrors: Doc[]): Promise<Doc> {
  await ctx.engine.sync();
  if (writeErrors.length) reply.writeErrors = writeErrors;
  reply.ok = 1;
  return reply;
}

const insert: CommandHandler = async (cmd, ctx) => {
  const name = collectionName(cmd, 'insert');
  const docs = statements(cmd, 'documents');
  const ordered = cmd.ordered !== false;
  const writeErrors: Doc[] = [];
  let n = 0;
  let coll: Collection | undefined;
  for (let i = 0; i < docs.length; i++) {
    try {
      coll ??= ctx.engine.ensureCollection(ctx.db, name).coll;
      const raw = docs[i];
      // MongoDB stores _id as the first field, whatever order the client sent.
      const { _id, ...rest } = raw;
      const doc = { _id: _id === undefined ? new ObjectId() : _id, ...rest };
      if (Array.isArray(doc._id)) throw new MongoCommandError('BadValue', "can't use an array for _id");
      coll.insert(doc);
      n++;
    } catch (err) {
      writeErrors.push(writeErrorEntry(i, err));
      if (ordered) break;
    }
  }
  return finish(ctx, { n }, writeErrors);
};

/** What change streams call a write with this update: a replacement document, or an update. */
function changeKind(u: UpdateSpec): 'update' | 'replace' {
  return Array.isArray(u) || isOperatorUpdate(u) ? 'update' : 'replace';
}

interface UpdateOutcome {
  n: number;
  nModified: number;
  upsertedId?: unknown;
}

/** One update statement `{ q, u, upsert, multi, arrayFilters }`. */
function updateOne(ctx: CommandContext, name: string, stmt: Doc): UpdateOutcome {
  const filter = asDoc(stmt.q, 'q') ?? {};
  const u = validateUpdate(stmt.u);
  const multi = stmt.multi === true;
  const arrayFilters = Array.isArray(stmt.arrayFilters) ? (stmt.arrayFilters as Doc[]) : undefined;
  if (multi && !Array.isArray(u) && !isOperatorUpdate(u)) {
    throw new MongoCommandError('FailedToParse', 'multi update is not supported for replacement-style update');
  }
  const coll = ctx.engine.getCollection(ctx.db, name);
  const matches = findDocs(coll, { filter, sort: asDoc(stmt.sort, 'sort'), limit: multi ? 0 : 1 });
  if (matches.length === 0) {
    if (stmt.upsert !== true) return { n: 0, nModified: 0 };
    const doc = buildUpsertDocument(filter, u, arrayFilters);
    ctx.engine.ensureCollection(ctx.db, name).coll.insert(doc);
    return { n: 1, nModified: 0, upsertedId: doc._id };
  }
  let nModified = 0;
  const kind = changeKind(u);
  for (const old of matches) {
    const next = applyUpdate(old, u, arrayFilters, filter);
    if (!sameCanonical(next, old)) {
      (coll as Collection).replace(old, next, kind);
      nModified++;
    }
  }
  return { n: matches.length, nModified };
}

const update: CommandHandler = async (cmd, ctx) => {
  const name = collectionName(cmd, 'update');
  const stmts = statements(cmd, 'updates');
  const ordered = cmd.ordered !== false;
  const writeErrors: Doc[] = [];
  const upserted: Doc[] = [];
  let n = 0;
  let nModified = 0;
  for (let i = 0; i < stmts.length; i++) {
    try {
      const r = updateOne(ctx, name, stmts[i]);
      n += r.n;
      nModified += r.nModified;
      if (r.upsertedId !== undefined) upserted.push({ index: i, _id: r.upsertedId });
    } catch (err) {
      writeErrors.push(writeErrorEntry(i, err));
      if (ordered) break;
    }
  }
  const reply: Doc = { n, nModified };
  if (upserted.length) reply.upserted = upserted;
  return finish(ctx, reply, writeErrors);
};

const del: CommandHandler = async (cmd, ctx) => {
  const name = collectionName(cmd, 'delete');
  const stmts = statements(cmd, 'deletes');
  const ordered = cmd.ordered !== false;
  const writeErrors: Doc[] = [];
  let n = 0;
  for (let i = 0; i < stmts.length; i++) {
    try {
      const stmt = stmts[i];
      const limit = optionalNumber(stmt.limit) ?? 0;
      if (limit !== 0 && limit !== 1)
        throw new MongoCommandError('FailedToParse', 'The limit field in delete objects must be 0 or 1');
      const coll = ctx.engine.getCollection(ctx.db, name);
      const matches = findDocs(coll, { filter: asDoc(stmt.q, 'q') ?? {}, limit });
      for (const d of matches) coll?.remove(d);
      n += matches.length;
    } catch (err) {
      writeErrors.push(writeErrorEntry(i, err));
      if (ordered) break;
    }
  }
  return finish(ctx, { n }, writeErrors);
};

const findAndModify: CommandHandler = async (cmd, ctx) => {
  const name = collectionName(cmd, Object.keys(cmd)[0]);
  const query = asDoc(cmd.query, 'query') ?? {};
  const sort = asDoc(cmd.sort, 'sort');
  const fields = asDoc(cmd.fields, 'fields');
  const remove = cmd.remove === true;
  const hasUpdate = cmd.update !== undefined && cmd.update !== null;
  if (remove && hasUpdate)
    throw new MongoCommandError('FailedToParse', 'Cannot specify both an update and remove=true');
  if (!remove && !hasUpdate)
    throw new MongoCommandError('FailedToParse', 'Either an update or remove=true must be specified');
  if (remove && cmd.upsert === true)
    throw new MongoCommandError('FailedToParse', 'Cannot specify both upsert=true and remove=true');
  if (remove && cmd.new === true)
    throw new MongoCommandError(
      'FailedToParse',
      "Cannot specify both new=true and remove=true; 'remove' always returns the deleted document",
    );
  const returnNew = cmd.new === true;
  const arrayFilters = Array.isArray(cmd.arrayFilters) ? (cmd.arrayFilters as Doc[]) : undefined;

  checkFilter(query);
  const coll = ctx.engine.getCollection(ctx.db, name);
  const target = findDocs(coll, { filter: query, sort, limit: 1, deadline: Deadline.of(cmd, ctx.limits) })[0];
  const shape = (d: Doc | undefined): Doc | null => (d ? project([d], fields)[0] : null);

  let reply: Doc;
  if (remove) {
    if (target) coll?.remove(target);
    reply = { lastErrorObject: { n: target ? 1 : 0 }, value: shape(target) };
  } else {
    const u = validateUpdate(cmd.update);
    if (target) {
      const next = applyUpdate(target, u, arrayFilters, query);
      if (!sameCanonical(next, target)) (coll as Collection).replace(target, next, changeKind(u));
      reply = { lastErrorObject: { n: 1, updatedExisting: true }, value: shape(returnNew ? next : target) };
    } else if (cmd.upsert === true) {
      const doc = buildUpsertDocument(query, u, arrayFilters);
      ctx.engine.ensureCollection(ctx.db, name).coll.insert(doc);
      reply = {
        lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id },
        value: returnNew ? shape(doc) : null,
      };
    } else {
      reply = { lastErrorObject: { n: 0, updatedExisting: false }, value: null };
    }
  }
  await ctx.engine.sync();
  reply.ok = 1;
  return reply;
};

export const writeCommands: Record<string, CommandHandler> = {
  insert,
  update,
  delete: del,
  findAndModify,
  findandmodify: findAndModify,
};
