/**
 * A MongoDB as a real standalone answers change streams: a loopback proxy in front of the embedded server
 * that refuses every `$changeStream` aggregate with code 40573 (as mongod does when it is not part of a
 * replica set) and passes every other message through. OP_MSG only (the driver's default, uncompressed).
 */
import net from 'node:net';
import { once } from 'node:events';
import { BSON } from 'mongodb';

const OP_MSG = 2013;

function refusal(requestId: number): Buffer {
  const body = BSON.serialize({
    ok: 0,
    errmsg: 'The $changeStream stage is only supported on replica sets',
    code: 40573,
    codeName: 'Location40573',
  });
  const header = Buffer.alloc(21);
  header.writeInt32LE(21 + body.length, 0);
  header.writeInt32LE(0, 4);
  header.writeInt32LE(requestId, 8);
  header.writeInt32LE(OP_MSG, 12);
  header.writeUInt32LE(0, 16);
  header.writeUInt8(0, 20);
  return Buffer.concat([header, body]);
}

/** The request id of a `$changeStream` aggregate, or undefined for any other message. */
function changeStreamRequest(message: Buffer): number | undefined {
  if (message.readInt32LE(12) !== OP_MSG || message.readUInt8(20) !== 0) return undefined;
  const command = BSON.deserialize(message.subarray(21, 21 + message.readInt32LE(21)));
  const first = Array.isArray(command.pipeline) ? command.pipeline[0] : undefined;
  return command.aggregate !== undefined && first && '$changeStream' in first ? message.readInt32LE(4) : undefined;
}

export async function startStandaloneProxy(target: { host: string; port: number }) {
  const server = net.createServer((client) => {
    const upstream = net.connect(target);
    let pending = Buffer.alloc(0);
    upstream.pipe(client);
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= pending.readInt32LE(0)) {
        const message = pending.subarray(0, pending.readInt32LE(0));
        pending = pending.subarray(message.length);
        const refused = changeStreamRequest(message);
        if (refused === undefined) upstream.write(message);
        else client.write(refusal(refused));
      }
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  return {
    uri: `mongodb://127.0.0.1:${port}/?directConnection=true`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
