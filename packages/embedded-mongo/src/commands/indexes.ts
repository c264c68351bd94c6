/** createIndexes, listIndexes, dropIndexes. */
import type { Doc } from '../compare.ts';
import { canonicalKey, isPlainObject } from '../compare.ts';
import { MongoCommandError } from '../errors.ts';
import type { Collection } from '../storage/collection.ts';
import type { IndexSpec } from '../storage/indexes.ts';
import { defaultIndexName } from '../storage/indexes.ts';
import type { CommandHandler } from './context.ts';
import { collectionName, optionalNumber } from './context.ts';

const SUPPORTED_OPTIONS = new Set([
  'key',
  'name',
  'unique',
  'sparse',
  'partialFilterExpression',
  'background',
  'v',
  'ns',
  'collation',
  'expireAfterSeconds',
  'hidden',
]);

function parseSpec(raw: unknown): IndexSpec {
  if (!isPlainObject(raw) || !isPlainObject(raw.key) || Object.keys(raw.key).length === 0) {
    throw new MongoCommandError('FailedToParse', 'index specification must contain a non-empty key object');
  }
  const key: Record<string, number | string> = {};
  for (const [field, dir] of Object.entries(raw.key)) {
    const n = typeof dir === 'number' ? dir : Number.NaN;
    if (n === 1 || n === -1) key[field] = n;
    else if (dir === 'hashed') key[field] = 'hashed';
    else
      throw new MongoCommandError(
        'NotImplemented',
        `index type ${JSON.stringify(dir)} on '${field}' is not supported by the embedded server`,
      );
  }
  for (const k of Object.keys(raw)) {
    if (!SUPPORTED_OPTIONS.has(k))
      throw new MongoCommandError('InvalidOptions', `index option '${k}' is not supported`);
  }
  const name = typeof raw.name === 'string' && raw.name ? raw.name : defaultIndexName(key);
  const spec: IndexSpec = { v: 2, key, name };
  if (raw.unique === true) spec.unique = true;
  if (raw.sparse === true) spec.sparse = true;
  if (raw.partialFilterExpression !== undefined) {
    if (!isPlainObject(raw.partialFilterExpression))
      throw new MongoCommandError('BadValue', 'partialFilterExpression must be an object');
    spec.partialFilterExpression = raw.partialFilterExpression;
  }
  if (raw.expireAfterSeconds !== undefined) {
    const seconds = raw.expireAfterSeconds;
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0 || seconds > 2_147_483_647) {
      throw new MongoCommandError(
        'InvalidOptions',
        "TTL index 'expireAfterSeconds' option must be within an acceptable range",
      );
    }
    if (Object.keys(key).length !== 1) {
      throw new MongoCommandError(
        'CannotCreateIndex',
        'TTL indexes are single-field indexes, compound indexes do not support TTL',
      );
    }
    spec.expireAfterSeconds = seconds;
  }
  return spec;
}

function sameOptions(a: IndexSpec, b: IndexSpec): boolean {
  return (
    !!a.unique === !!b.unique &&
    !!a.sparse === !!b.sparse &&
    a.expireAfterSeconds === b.expireAfterSeconds &&
    canonicalKey(a.partialFilterExpression ?? null) === canonicalKey(b.partialFilterExpression ?? null)
  );
}

function existingSpecs(coll: Collection): IndexSpec[] {
  return coll.indexSpecs();
}

const createIndexes: CommandHandler = async (cmd, ctx) => {
  const name = collectionName(cmd, 'createIndexes');
  const rawSpecs: unknown = cmd.indexes;
  if (!Array.isArray(rawSpecs) || rawSpecs.length === 0)
    throw new MongoCommandError('BadValue', "'indexes' must be a non-empty array");
  const specs = rawSpecs.map(parseSpec);
  const { coll, created } = ctx.engine.ensureCollection(ctx.db, name);
  const numIndexesBefore = coll.indexes.size + 1;
  let added = 0;
  try {
    for (const spec of specs) {
      const existing = existingSpecs(coll);
      const byName = existing.find((e) => e.name === spec.name);
      const sameKey = existing.find((e) => canonicalKey(e.key) === canonicalKey(spec.key) && sameOptions(e, spec));
      if (byName) {
        if (canonicalKey(byName.key) !== canonicalKey(spec.key)) {
          throw new MongoCommandError(
            'IndexKeySpecsConflict',
            `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(byName)}`,
          );
        }
        if (!sameOptions(byName, spec) && byName.name !== '_id_') {
          throw new MongoCommandError(
            'IndexOptionsConflict',
            `An existing index has the same name as the requested index but different options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(byName)}`,
          );
        }
        continue;
      }
      if (sameKey?.name === '_id_') continue;
      if (sameKey) {
        throw new MongoCommandError(
          'IndexOptionsConflict',
          `Index already exists with a different name: ${sameKey.name}`,
        );
      }
      coll.createIndex(spec);
      added++;
    }
  } finally {
    await ctx.engine.sync();
  }
  const reply: Doc = {
    numIndexesBefore,
    numIndexesAfter: coll.indexes.size + 1,
    createdCollectionAutomatically: created,
  };
  if (added === 0) reply.note = 'all indexes already exist';
  reply.ok = 1;
  return reply;
};

const listIndexes: CommandHandler = (cmd, ctx) => {
  const name = collectionName(cmd, 'listIndexes');
  const coll = ctx.engine.getCollection(ctx.db, name);
  if (!coll) throw new MongoCommandError('NamespaceNotFound', `ns does not exist: ${ctx.db}.${name}`);
  const cursorOpts = (cmd.cursor ?? {}) as Doc;
  return ctx.cursors.open(
    `${ctx.db}.$cmd.listIndexes.${name}`,
    existingSpecs(coll),
    optionalNumber(cursorOpts.batchSize),
  );
};

const dropIndexes: CommandHandler = async (cmd, ctx) => {
  const name = collectionName(cmd, Object.keys(cmd)[0]);
  const coll = ctx.engine.getCollection(ctx.db, name);
  if (!coll) throw new MongoCommandError('NamespaceNotFound', `ns not found ${ctx.db}.${name}`);
  const nIndexesWas = coll.indexes.size + 1;
  const which: unknown = cmd.index;
  let names: string[];
  if (which === '*') names = [...coll.indexes.keys()];
  else if (typeof which === 'string') names = [which];
  else if (Array.isArray(which) && which.every((w) => typeof w === 'string')) names = which as string[];
  else if (isPlainObject(which)) {
    const found = existingSpecs(coll).find((s) => canonicalKey(s.key) === canonicalKey(which));
    if (!found) throw new MongoCommandError('IndexNotFound', `can't find index with key: ${JSON.stringify(which)}`);
    names = [found.name];
  } else throw new MongoCommandError('BadValue', "'index' must be a name, a key pattern, an array of names or '*'");
  for (const n of names) {
    if (n === '_id_') throw new MongoCommandError('InvalidOptions', 'cannot drop _id index');
    if (!coll.indexes.has(n)) throw new MongoCommandError('IndexNotFound', `index not found with name [${n}]`);
  }
  for (const n of names) coll.dropIndex(n);
  await ctx.engine.sync();
  return { nIndexesWas, ok: 1 };
};

export const indexCommands: Record<string, CommandHandler> = {
  createIndexes,
  listIndexes,
  dropIndexes,
  deleteIndexes: dropIndexes,
};
