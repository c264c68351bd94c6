/** Command dispatch: the handler table, refusals (transactions, unknown commands) and error replies. */
import type { Doc } from '../compare.js';
import { MongoCommandError, toCommandError } from '../errors.js';
import { adminCommands } from './admin.js';
import { collectionCommands } from './collections.js';
import type { CommandContext, CommandHandler } from './context.js';
import { explainCommands } from './explain.js';
import { indexCommands } from './indexes.js';
import { readCommands } from './read.js';
import { writeCommands } from './write.js';

const handlers = new Map<string, CommandHandler>(
  Object.entries({ ...adminCommands, ...collectionCommands, ...readCommands, ...writeCommands, ...indexCommands, ...explainCommands }),
);

const TRANSACTION_COMMANDS = new Set(['commitTransaction', 'abortTransaction']);

export function supportedCommands(): string[] {
  return [...handlers.keys()];
}

/** Runs one command; never throws: failures become `{ ok: 0, errmsg, code, codeName }`. */
export async function runCommand(cmd: Doc, ctx: CommandContext): Promise<Doc> {
  try {
    const name = Object.keys(cmd)[0];
    if (name === undefined) throw new MongoCommandError('CommandNotFound', 'no such command: empty command document');
    if (cmd.startTransaction === true || cmd.autocommit === false || TRANSACTION_COMMANDS.has(name) || cmd.txnNumber !== undefined) {
      throw new MongoCommandError('IllegalOperation', 'Transaction numbers are only allowed on a replica set member or mongos');
    }
    const handler = handlers.get(name);
    if (!handler) throw new MongoCommandError('CommandNotFound', `no such command: '${name}'`);
    return await handler(cmd, ctx);
  } catch (err) {
    return { ok: 0, ...toCommandError(err).toDocument() };
  }
}
