import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BSON } from 'bson';
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo } from '../src/index.ts';
import type { EmbeddedMongo } from '../src/index.ts';
import { encodeOpMsgRequest, HEADER_SIZE, MessageFramer, OP_MSG } from '../src/wire.ts';

let server: EmbeddedMongo | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function open(port: number): Promise<{ socket: Socket; closed: Promise<void> }> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, closed };
}

/** The first `sent` bytes of an OP_MSG whose header announces `announced` bytes. */
function unfinishedFrame(announced: number, sent: number): Buffer {
  const buf = Buffer.alloc(sent);
  buf.writeInt32LE(announced, 0);
  buf.writeInt32LE(1, 4);
  buf.writeInt32LE(OP_MSG, 12);
  return buf;
}

async function ping(socket: Socket): Promise<unknown> {
  const framer = new MessageFramer();
  const reply = new Promise<Buffer>((resolve) => {
    const onData = (chunk: Buffer) => {
      const [msg] = framer.push(chunk);
      if (!msg) return;
      socket.off('data', onData);
      resolve(msg);
    };
    socket.on('data', onData);
  });
  socket.write(encodeOpMsgRequest(7, { ping: 1, $db: 'admin' }));
  return BSON.deserialize((await reply).subarray(HEADER_SIZE + 5)).ok;
}

describe('unfinished messages', () => {
  it('closes a connection whose message does not complete in time, and only that one', async () => {
    server = await startEmbeddedMongo({ log: () => undefined, frameTimeoutMs: 50 });
    const idle = await open(server.port);
    expect(await ping(idle.socket)).toBe(1);
    const stalled = await open(server.port);
    stalled.socket.write(unfinishedFrame(40_000_000, 1000));
    await stalled.closed;
    expect(server.stats().bufferedBytes).toBe(0);
    // A connection that is merely idle between messages stays open.
    expect(await ping(idle.socket)).toBe(1);
    idle.socket.destroy();
  });

  it('caps the bytes buffered across connections: the connection going over is closed', async () => {
    server = await startEmbeddedMongo({ log: () => undefined, maxBufferedBytes: 4096 });
    const first = await open(server.port);
    first.socket.write(unfinishedFrame(10_000, 3000));
    await vi.waitFor(() => expect(server!.stats().bufferedBytes).toBe(3000));
    const second = await open(server.port);
    second.socket.write(unfinishedFrame(10_000, 2000));
    await second.closed;
    expect(first.socket.destroyed).toBe(false);
    expect(server.stats().bufferedBytes).toBe(3000);

    const client = new MongoClient(server.uri);
    try {
      expect(await client.db('emb_frames').command({ ping: 1 })).toMatchObject({ ok: 1 });
    } finally {
      await client.close();
    }
    first.socket.destroy();
    await first.closed;
    await vi.waitFor(() => expect(server!.stats().bufferedBytes).toBe(0));
  });
});
