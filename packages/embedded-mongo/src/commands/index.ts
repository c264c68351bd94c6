/** Command dispatch: the handler table, refusals (transactions, unknown commands) and error replies. */
import type { Doc } from '../compare.ts';
import { MongoCommandError, toCommandError } from '../errors.ts';
import { checkCommandFieldNames } from '../reserved-names.ts';
import { adminCommands } from './admin.ts';
import { collectionCommands } from './collections.ts';
import type { CommandContext, CommandHandler } from './context.ts';
import { explainCommands } from './explain.ts';
import { indexCommands } from './indexes.ts';
import { readCommands } from './read.ts';
import { writeCommands } from './write.ts';

const handlers = new Map<string, CommandHandler>(
  Object.entries({
    ...adminCommands,
    ...collectionCommands,
    ...readCommands,
    ...writeCommands,
    ...indexCommands,
    ...explainCommands,
  }),
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
    if (
      cmd.startTransaction === true ||
      cmd.autocommit === false ||
      TRANSACTION_COMMANDS.has(name) ||
      cmd.txnNumber !== undefined
    ) {
      throw new MongoCommandError(
        'IllegalOperation',
        'Transaction numbers are only allowed on a replica set member or mongos',
      );
    }
    const handler = handlers.get(name);
    if (!handler) throw new MongoCommandError('CommandNotFound', `no such command: '${name}'`);
    checkCommandFieldNames(cmd);
    return await handler(cmd, ctx);
  } catch (err) {
    return { ok: 0, ...toCommandError(err).toDocument() };
  }
}
