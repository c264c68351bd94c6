import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BSON } from 'bson';
import type { Document } from 'bson';
import { encodeOpMsgRequest, MessageFramer, OP_MSG, OP_REPLY } from '../src/wire.ts';
import { externalServer, openTestServer } from '../src/testing.ts';
import type { TestServer } from '../src/testing.ts';

const DB = 'emb_wire';
let server: TestServer;
let host: string;
let port: number;

beforeAll(async () => {
  server = await openTestServer(DB);
  const url = new URL(server.uri);
  host = url.hostname.replace(/^\[|\]$/g, '');
  port = Number(url.port || 27017);
});
afterAll(async () => {
  await server.close();
});

interface Reply {
  opCode: number;
  responseTo: number;
  doc: Document;
  numberReturned?: number;
}

/** A raw wire-protocol connection for tests. */
class RawClient {
  private framer = new MessageFramer();
  private queue: Reply[] = [];
  private waiters: Array<(r: Reply) => void> = [];
  readonly closed: Promise<void>;

  readonly socket: Socket;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      for (const msg of this.framer.push(chunk)) {
        const opCode = msg.readInt32LE(12);
        const responseTo = msg.readInt32LE(8);
        let reply: Reply;
        if (opCode === OP_REPLY) {
          reply = { opCode, responseTo, numberReturned: msg.readInt32LE(32), doc: BSON.deserialize(msg.subarray(36)) };
        } else {
          reply = { opCode, responseTo, doc: BSON.deserialize(msg.subarray(21)) };
        }
        const w = this.waiters.shift();
        if (w) w(reply);
        else this.queue.push(reply);
      }
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
  }

  static open(): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ host, port }, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  send(buf: Buffer): void {
    this.socket.write(buf);
  }

  next(): Promise<Reply> {
    const r = this.queue.shift();
    if (r) return Promise.resolve(r);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.socket.destroy();
  }
}

function opQuery(requestId: number, ns: string, query: Document): Buffer {
  const nsBuf = Buffer.from(ns + '\0', 'utf8');
  const q = Buffer.from(BSON.serialize(query));
  const out = Buffer.alloc(16 + 4 + nsBuf.length + 8 + q.length);
  out.writeInt32LE(out.length, 0);
  out.writeInt32LE(requestId, 4);
  out.writeInt32LE(0, 8);
  out.writeInt32LE(2004, 12);
  out.writeInt32LE(0, 16);
  nsBuf.copy(out, 20);
  out.writeInt32LE(0, 20 + nsBuf.length);
  out.writeInt32LE(-1, 24 + nsBuf.length);
  q.copy(out, 28 + nsBuf.length);
  return out;
}

async function stillServing(): Promise<void> {
  expect((await server.db.command({ ping: 1 })).ok).toBe(1);
  const other = await RawClient.open();
  other.send(encodeOpMsgRequest(99, { ping: 1, $db: 'admin' }));
  expect((await other.next()).doc.ok).toBe(1);
  other.close();
}

describe('wire protocol', () => {
  it('answers a legacy OP_QUERY isMaster with OP_REPLY', async () => {
    const c = await RawClient.open();
    c.send(opQuery(7, 'admin.$cmd', { isMaster: 1, helloOk: true }));
    const r = await c.next();
    expect(r.opCode).toBe(OP_REPLY);
    expect(r.responseTo).toBe(7);
    expect(r.numberReturned).toBe(1);
    expect(r.doc).toMatchObject({ ok: 1, ismaster: true });
    expect(r.doc.maxWireVersion).toBeGreaterThanOrEqual(21);
    c.close();
  });

  it('accepts kind-1 document sequences and answers with OP_MSG', async () => {
    const c = await RawClient.open();
    c.send(
      encodeOpMsgRequest(
        11,
        { insert: 'seq', $db: DB },
        { sequences: { documents: [{ _id: 1 }, { _id: 2 }, { _id: 3 }] } },
      ),
    );
    const r = await c.next();
    expect(r.opCode).toBe(OP_MSG);
    expect(r.responseTo).toBe(11);
    expect(r.doc).toMatchObject({ ok: 1, n: 3 });
    expect(await server.db.collection('seq').countDocuments()).toBe(3);
    c.close();
  });

  it('sends no reply for moreToCome and keeps the connection usable', async () => {
    const c = await RawClient.open();
    c.send(
      encodeOpMsgRequest(
        21,
        { insert: 'mtc', documents: [{ _id: 'quiet' }], writeConcern: { w: 0 }, $db: DB },
        { moreToCome: true },
      ),
    );
    c.send(encodeOpMsgRequest(22, { find: 'mtc', filter: {}, $db: DB }));
    const r = await c.next();
    expect(r.responseTo).toBe(22);
    expect(r.doc.cursor.firstBatch).toEqual([{ _id: 'quiet' }]);
    c.close();
  });

  it('verifies a present checksum', async () => {
    const c = await RawClient.open();
    c.send(encodeOpMsgRequest(31, { ping: 1, $db: 'admin' }, { checksum: true }));
    expect((await c.next()).doc.ok).toBe(1);
    c.close();
  });

  it.skipIf(externalServer)('closes a connection whose checksum is wrong', async () => {
    const c = await RawClient.open();
    const msg = encodeOpMsgRequest(32, { ping: 1, $db: 'admin' }, { checksum: true });
    msg.writeUInt32LE((msg.readUInt32LE(msg.length - 4) ^ 1) >>> 0, msg.length - 4);
    c.send(msg);
    await c.closed;
    await stillServing();
  });

  it('closes a connection that sends garbage, and serves the others', async () => {
    const c = await RawClient.open();
    c.send(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    await c.closed;
    await stillServing();
  });

  it('closes a connection that announces an oversized message', async () => {
    const c = await RawClient.open();
    const header = Buffer.alloc(16);
    header.writeInt32LE(64 * 1024 * 1024, 0);
    header.writeInt32LE(1, 4);
    header.writeInt32LE(OP_MSG, 12);
    c.send(header);
    await c.closed;
    await stillServing();
  });

  it('closes a connection whose message holds a truncated BSON document', async () => {
    const c = await RawClient.open();
    const good = encodeOpMsgRequest(41, { ping: 1, $db: 'admin' });
    // Claim a body larger than the frame: the BSON length runs past the message end.
    good.writeInt32LE(good.readInt32LE(21) + 100, 21);
    c.send(good);
    await c.closed;
    await stillServing();
  });

  it('closes a connection whose stream ends mid-message', async () => {
    const c = await RawClient.open();
    const msg = encodeOpMsgRequest(51, { ping: 1, $db: 'admin' });
    c.socket.end(msg.subarray(0, msg.length - 5));
    await c.closed;
    await stillServing();
  });
});
