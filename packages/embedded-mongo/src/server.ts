/**
 * The TCP server: one framer per connection, decode → dispatch → encode. A malformed message closes
 * only its own connection; a failing command becomes an `ok: 0` reply.
 */
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { Doc } from './compare.ts';
import { runCommand } from './commands/index.ts';
import type { CommandContext } from './commands/context.ts';
import { CursorManager } from './cursors.ts';
import type { Engine } from './storage/database.ts';
import { MessageFramer, OP_QUERY, decodeMessage, encodeOpMsg, encodeOpReply } from './wire.ts';

export interface ServerOptions {
  log?: (message: string) => void;
}

export class WireServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly cursors = new CursorManager();
  private nextConnectionId = 1;
  private readonly log: (message: string) => void;

  private readonly engine: Engine;

  constructor(engine: Engine, options: ServerOptions = {}) {
    this.engine = engine;
    this.log = options.log ?? ((m) => console.error(`[embedded-mongo] ${m}`));
    this.server = createServer({ noDelay: true }, (socket) => this.accept(socket));
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  listen(port: number, host: string): Promise<{ port: number; host: string }> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const addr = this.server.address();
        if (addr === null || typeof addr === 'string') reject(new Error('server has no TCP address'));
        else resolve({ port: addr.port, host: addr.address });
      });
    });
  }

  /** Stops accepting, destroys every client socket and waits for the listener to close. */
  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    const connectionId = this.nextConnectionId++;
    this.sockets.add(socket);
    const framer = new MessageFramer();
    const ctxBase = {
      engine: this.engine,
      cursors: this.cursors,
      connectionId,
      peer: `${socket.remoteAddress ?? ''}:${socket.remotePort ?? 0}`,
    };
    socket.on('data', (chunk: Buffer) => {
      let messages: Buffer[];
      try {
        messages = framer.push(chunk);
      } catch (err) {
        this.reject(socket, connectionId, err);
        return;
      }
      for (const msg of messages) {
        if (socket.destroyed) return;
        this.handle(socket, connectionId, msg, ctxBase);
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
  }

  private handle(socket: Socket, connectionId: number, msg: Buffer, ctxBase: Omit<CommandContext, 'db'>): void {
    let request;
    try {
      request = decodeMessage(msg);
    } catch (err) {
      this.reject(socket, connectionId, err);
      return;
    }
    const ctx: CommandContext = { ...ctxBase, db: request.db };
    const { header, opCode, moreToCome } = request;
    runCommand(request.command, ctx).then(
      (reply: Doc) => {
        if (moreToCome || socket.destroyed) return;
        try {
          socket.write(
            opCode === OP_QUERY ? encodeOpReply(header.requestID, reply) : encodeOpMsg(header.requestID, reply),
          );
        } catch (err) {
          // A reply that cannot be encoded (e.g. over 16 MiB) is answered with an error instead.
          const message = err instanceof Error ? err.message : String(err);
          const fallback = {
            ok: 0,
            errmsg: `cannot encode reply: ${message}`,
            code: 10334,
            codeName: 'BSONObjectTooLarge',
          };
          socket.write(
            opCode === OP_QUERY ? encodeOpReply(header.requestID, fallback) : encodeOpMsg(header.requestID, fallback),
          );
        }
      },
      (err: unknown) => {
        // runCommand does not reject; this is a last line of defence.
        this.log(`connection ${connectionId}: unexpected failure: ${String(err)}`);
        socket.destroy();
      },
    );
  }

  private reject(socket: Socket, connectionId: number, err: unknown): void {
    this.log(
      `connection ${connectionId}: closing after a malformed message: ${err instanceof Error ? err.message : String(err)}`,
    );
    socket.destroy();
  }
}
