import type { Doc } from '../compare.ts';
import type { CursorManager } from '../cursors.ts';
import type { Engine } from '../storage/database.ts';
import type { ExecutionLimits } from '../limits.ts';
import { MongoCommandError } from '../errors.ts';

/** What a command handler can use. */
export interface CommandContext {
  engine: Engine;
  cursors: CursorManager;
  /** The database the command runs against (`$db`). */
  db: string;
  connectionId: number;
  /** `host:port` of the client, for `whatsmyuri`. */
  peer: string;
  limits: ExecutionLimits;
}

export type CommandHandler = (cmd: Doc, ctx: CommandContext) => Doc | Promise<Doc>;

/** The collection name argument of a command (`{ find: "users" }`). */
export function collectionName(cmd: Doc, name: string): string {
  const v: unknown = cmd[name];
  if (typeof v !== 'string' || v.length === 0) {
    throw new MongoCommandError('InvalidNamespace', `collection name has invalid type ${typeof v}`);
  }
  return v;
}

export function optionalNumber(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return v;
  if (typeof v === 'object' && v !== null && 'toNumber' in v && typeof v.toNumber === 'function') {
    return Number((v as { toNumber(): number }).toNumber());
  }
  return Number(v);
}
