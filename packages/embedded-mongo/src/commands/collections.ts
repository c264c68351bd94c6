/** create, drop, dropDatabase, listCollections. */
import type { Doc } from '../compare.ts';
import { MongoCommandError } from '../errors.ts';
import { compileFilter } from '../query.ts';
import { ID_INDEX_SPEC } from '../storage/collection.ts';
import type { CommandHandler } from './context.ts';
import { collectionName, optionalNumber } from './context.ts';

const create: CommandHandler = async (cmd, ctx) => {
  const name = collectionName(cmd, 'create');
  if (ctx.engine.getCollection(ctx.db, name)) {
    throw new MongoCommandError('NamespaceExists', `Collection ${ctx.db}.${name} already exists.`);
  }
  const options: Doc = {};
  for (const [k, v] of Object.entries(cmd)) {
    if (k === 'create' || k.startsWith('$') || k === 'lsid' || k === 'writeConcern') continue;
    options[k] = v;
  }
  ctx.engine.ensureCollection(ctx.db, name, options);
  await ctx.engine.sync();
  return { ok: 1 };
};

const drop: CommandHandler = async (cmd, ctx) => {
  const name = collectionName(cmd, 'drop');
  const coll = ctx.engine.getCollection(ctx.db, name);
  if (!coll) return { ok: 1 };
  const nIndexesWas = coll.indexes.size + 1;
  ctx.engine.dropCollection(ctx.db, name);
  await ctx.engine.sync();
  return { nIndexesWas, ns: coll.ns, ok: 1 };
};

const dropDatabase: CommandHandler = async (_cmd, ctx) => {
  ctx.engine.dropDatabase(ctx.db);
  await ctx.engine.sync();
  return { dropped: ctx.db, ok: 1 };
};

const listCollections: CommandHandler = (cmd, ctx) => {
  const match = compileFilter(cmd.filter);
  const entries: Doc[] = [];
  const colls = ctx.engine.databases.get(ctx.db);
  for (const [name, coll] of colls ?? []) {
    const entry: Doc = {
      name,
      type: 'collection',
      options: coll.options,
      info: { readOnly: false },
      idIndex: ID_INDEX_SPEC,
    };
    if (!match(entry)) continue;
    entries.push(cmd.nameOnly ? { name, type: 'collection' } : entry);
  }
  const cursorOpts = (cmd.cursor ?? {}) as Doc;
  return ctx.cursors.open(`${ctx.db}.$cmd.listCollections`, entries, optionalNumber(cursorOpts.batchSize));
};

export const collectionCommands: Record<string, CommandHandler> = {
  create,
  drop,
  dropDatabase,
  listCollections,
};
