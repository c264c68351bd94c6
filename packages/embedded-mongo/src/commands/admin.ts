/** Handshake and server-level commands. */
import { Long } from 'bson';
import { BSON } from 'bson';
import type { Doc } from '../compare.ts';
import { compileFilter } from '../query.ts';
import { MAX_BSON_OBJECT_SIZE, MAX_MESSAGE_SIZE_BYTES, MAX_WRITE_BATCH_SIZE } from '../wire.ts';
import type { CommandContext, CommandHandler } from './context.ts';

export const SERVER_VERSION = '7.0.0';
export const MAX_WIRE_VERSION = 21;

/** The hello/isMaster reply of a standalone server (no topologyVersion: no streaming hello). */
export function helloReply(ctx: CommandContext, legacy: boolean): Doc {
  const reply: Doc = {
    isWritablePrimary: true,
    helloOk: true,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE_BYTES,
    maxWriteBatchSize: MAX_WRITE_BATCH_SIZE,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  };
  if (legacy) return { ismaster: true, ...reply };
  return reply;
}

const hello: CommandHandler = (_cmd, ctx) => helloReply(ctx, false);
const isMaster: CommandHandler = (_cmd, ctx) => helloReply(ctx, true);

const buildInfo: CommandHandler = () => ({
  version: SERVER_VERSION,
  gitVersion: 'embedded',
  versionArray: [7, 0, 0, 0],
  bits: 64,
  debug: false,
  maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
  storageEngines: ['embedded'],
  modules: [],
  ok: 1,
});

const listDatabases: CommandHandler = (cmd, ctx) => {
  const match = compileFilter(cmd.filter);
  const databases: Doc[] = [];
  let totalSize = 0;
  for (const [name, colls] of ctx.engine.databases) {
    let size = 0;
    for (const c of colls.values()) for (const d of c.docs.values()) size += BSON.calculateObjectSize(d);
    const entry: Doc = { name, sizeOnDisk: size, empty: size === 0 };
    if (!match(entry)) continue;
    totalSize += size;
    databases.push(cmd.nameOnly ? { name } : entry);
  }
  databases.sort((a, b) => String(a.name).localeCompare(String(b.name)));
  if (cmd.nameOnly) return { databases, ok: 1 };
  return { databases, totalSize, totalSizeMb: Math.floor(totalSize / 1048576), ok: 1 };
};

export const adminCommands: Record<string, CommandHandler> = {
  hello,
  isMaster,
  ismaster: isMaster,
  ping: () => ({ ok: 1 }),
  buildInfo,
  buildinfo: buildInfo,
  listDatabases,
  endSessions: () => ({ ok: 1 }),
  refreshSessions: () => ({ ok: 1 }),
  whatsmyuri: (_cmd, ctx) => ({ you: ctx.peer, ok: 1 }),
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
  getCmdLineOpts: () => ({ argv: ['embedded-mongo'], parsed: {}, ok: 1 }),
  getParameter: (cmd) =>
    cmd.featureCompatibilityVersion !== undefined
      ? { featureCompatibilityVersion: { version: '7.0' }, ok: 1 }
      : { ok: 1 },
  hostInfo: () => ({
    system: { currentTime: new Date(), hostname: 'localhost' },
    os: { type: process.platform },
    ok: 1,
  }),
  serverStatus: (_cmd, ctx) => ({
    host: 'localhost',
    version: SERVER_VERSION,
    process: 'embedded-mongo',
    pid: Long.fromNumber(process.pid),
    uptime: Math.floor(process.uptime()),
    localTime: new Date(),
    connections: { current: ctx.connectionId },
    // As mongod reports them, so that a test can check for leaked cursors on either server.
    metrics: {
      cursor: { open: { total: Long.fromNumber(ctx.cursors.size), noTimeout: Long.ZERO, pinned: Long.ZERO } },
    },
    ok: 1,
  }),
};
