/**
 * The server (TCP or a Unix socket): one framer per connection, decode → dispatch → encode. A malformed
 * message, a frame that does not complete in time, or one that would take the bytes buffered across all
 * connections over the cap closes only its own connection; a failing command becomes an `ok: 0` reply.
 */
import { chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { Doc } from './compare.ts';
import { runCommand } from './commands/index.ts';
import type { CommandContext } from './commands/context.ts';
import { CursorManager } from './cursors.ts';
import type { Engine } from './storage/database.ts';
import { defaultLimits } from './limits.ts';
import type { ExecutionLimits } from './limits.ts';
import { MessageFramer, OP_QUERY, decodeMessage, encodeOpMsg, encodeOpReply } from './wire.ts';

export const DEFAULT_FRAME_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_BUFFERED_BYTES = 256 * 1024 * 1024;

export interface ServerOptions {
  log?: (message: string) => void;
  /** How long a message may take to arrive once its first byte is in (default 30 s). */
  frameTimeoutMs?: number;
  /** Bytes of unfinished messages held across all connections (default 256 MiB). */
  maxBufferedBytes?: number;
  /** maxTimeMS clock and the per-stage memory limit (default: Date.now, 100 MB). */
  limits?: ExecutionLimits;
}

export class WireServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly cursors = new CursorManager();
  private nextConnectionId = 1;
  private readonly log: (message: string) => void;
  private readonly frameTimeoutMs: number;
  private readonly maxBufferedBytes: number;
  private buffered = 0;
  private readonly limits: ExecutionLimits;

  private readonly engine: Engine;

  constructor(engine: Engine, options: ServerOptions = {}) {
    this.engine = engine;
    this.log = options.log ?? ((m) => console.error(`[embedded-mongo] ${m}`));
    this.frameTimeoutMs = options.frameTimeoutMs ?? DEFAULT_FRAME_TIMEOUT_MS;
    this.maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this.limits = options.limits ?? defaultLimits();
    this.server = createServer({ noDelay: true }, (socket) => this.accept(socket));
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  /** Open cursors, and how many of them are change streams. */
  get cursorCounts(): { open: number; changeStreams: number } {
    return { open: this.cursors.size, changeStreams: this.cursors.tailableCount };
  }

  /** Bytes of unfinished messages held across all connections. */
  get bufferedBytes(): number {
    return this.buffered;
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

  /** Listens on a Unix socket, readable and writable by this user only. */
  listenOnSocket(path: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(path, () => {
        this.server.off('error', reject);
        try {
          chmodSync(path, 0o600);
          resolve();
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
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
      limits: this.limits,
    };
    let held = 0;
    let frameTimer: NodeJS.Timeout | undefined;
    const release = () => {
      this.buffered -= held;
      held = 0;
      clearTimeout(frameTimer);
      frameTimer = undefined;
    };
    socket.on('data', (chunk: Buffer) => {
      if (this.buffered + chunk.length > this.maxBufferedBytes) {
        release();
        this.reject(socket, connectionId, new Error(`unfinished messages exceed ${this.maxBufferedBytes} bytes`));
        return;
      }
      let messages: Buffer[];
      try {
        messages = framer.push(chunk);
      } catch (err) {
        release();
        this.reject(socket, connectionId, err);
        return;
      }
      this.buffered += framer.pending - held;
      held = framer.pending;
      // The clock runs from a message's first byte: a trickle of bytes does not keep it alive.
      if (held === 0 || messages.length > 0) {
        clearTimeout(frameTimer);
        frameTimer = undefined;
      }
      if (held > 0 && frameTimer === undefined) {
        frameTimer = setTimeout(() => {
          release();
          this.reject(socket, connectionId, new Error(`message not complete within ${this.frameTimeoutMs} ms`));
        }, this.frameTimeoutMs);
        frameTimer.unref();
      }
      for (const msg of messages) {
        if (socket.destroyed) return;
        this.handle(socket, connectionId, msg, ctxBase);
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      release();
      this.sockets.delete(socket);
      this.cursors.releaseConnection(connectionId);
    });
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
    this.log(`connection ${connectionId}: closing: ${err instanceof Error ? err.message : String(err)}`);
    socket.destroy();
  }
}
