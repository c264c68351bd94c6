/**
 * MongoDB wire protocol: message framing, OP_QUERY / OP_REPLY (handshake only) and OP_MSG.
 * All integers are little-endian. Header: messageLength, requestID, responseTo, opCode (int32 each).
 */
import { BSON } from 'bson';
import type { Document } from 'bson';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

export const HEADER_SIZE = 16;
export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
export const MAX_MESSAGE_SIZE_BYTES = 48_000_000;
export const MAX_WRITE_BATCH_SIZE = 100_000;

const FLAG_CHECKSUM_PRESENT = 1 << 0;
const FLAG_MORE_TO_COME = 1 << 1;

export class WireProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireProtocolError';
  }
}

export interface MessageHeader {
  messageLength: number;
  requestID: number;
  responseTo: number;
  opCode: number;
}

/** A request decoded to a command document (kind-1 sequences merged in as arrays). */
export interface Request {
  header: MessageHeader;
  opCode: typeof OP_QUERY | typeof OP_MSG;
  command: Document;
  /** Database from `$db` (OP_MSG) or from `<db>.$cmd` (OP_QUERY). */
  db: string;
  /** OP_MSG moreToCome: the client expects no reply. */
  moreToCome: boolean;
}

const DESERIALIZE_OPTIONS = { promoteLongs: true, promoteValues: true, promoteBuffers: false } as const;

export function readHeader(buf: Buffer, offset = 0): MessageHeader {
  return {
    messageLength: buf.readInt32LE(offset),
    requestID: buf.readInt32LE(offset + 4),
    responseTo: buf.readInt32LE(offset + 8),
    opCode: buf.readInt32LE(offset + 12),
  };
}

/** Reads one BSON document at `offset`, checking its declared size against `end`. */
function readDocument(buf: Buffer, offset: number, end: number): { doc: Document; next: number } {
  if (offset + 5 > end) throw new WireProtocolError('truncated BSON document');
  const size = buf.readInt32LE(offset);
  if (size < 5 || offset + size > end || size > MAX_BSON_OBJECT_SIZE + 16 * 1024) {
    throw new WireProtocolError(`invalid BSON document size ${size}`);
  }
  if (buf[offset + size - 1] !== 0) throw new WireProtocolError('BSON document not terminated');
  const doc = BSON.deserialize(buf.subarray(offset, offset + size), DESERIALIZE_OPTIONS);
  return { doc, next: offset + size };
}

function readCString(buf: Buffer, offset: number, end: number): { value: string; next: number } {
  const zero = buf.indexOf(0, offset);
  if (zero < 0 || zero >= end) throw new WireProtocolError('unterminated cstring');
  return { value: buf.toString('utf8', offset, zero), next: zero + 1 };
}

// CRC-32C (Castagnoli), the checksum OP_MSG uses.
const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32c(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC32C_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Decodes one complete message (`buf` holds exactly `messageLength` bytes). */
export function decodeMessage(buf: Buffer): Request {
  const header = readHeader(buf);
  if (header.opCode === OP_MSG) return decodeOpMsg(buf, header);
  if (header.opCode === OP_QUERY) return decodeOpQuery(buf, header);
  throw new WireProtocolError(`unsupported opCode ${header.opCode}`);
}

function decodeOpMsg(buf: Buffer, header: MessageHeader): Request {
  if (buf.length < HEADER_SIZE + 5) throw new WireProtocolError('OP_MSG too short');
  const flags = buf.readUInt32LE(HEADER_SIZE);
  // Unknown required bits (0-15 other than the two defined ones) must make the message fail.
  if ((flags & 0xfffc) !== 0) throw new WireProtocolError(`unsupported OP_MSG flag bits ${flags}`);
  let end = buf.length;
  if (flags & FLAG_CHECKSUM_PRESENT) {
    end -= 4;
    if (end < HEADER_SIZE + 4) throw new WireProtocolError('OP_MSG too short for checksum');
    const expected = buf.readUInt32LE(end);
    if (crc32c(buf.subarray(0, end)) !== expected) throw new WireProtocolError('OP_MSG checksum mismatch');
  }
  let offset = HEADER_SIZE + 4;
  let body: Document | undefined;
  const sequences: Array<[string, Document[]]> = [];
  while (offset < end) {
    const kind = buf[offset++];
    if (kind === 0) {
      if (body) throw new WireProtocolError('OP_MSG with more than one body section');
      const r = readDocument(buf, offset, end);
      body = r.doc;
      offset = r.next;
    } else if (kind === 1) {
      if (offset + 4 > end) throw new WireProtocolError('truncated document sequence');
      const size = buf.readInt32LE(offset);
      const seqEnd = offset + size;
      if (size < 5 || seqEnd > end) throw new WireProtocolError('invalid document sequence size');
      const id = readCString(buf, offset + 4, seqEnd);
      let p = id.next;
      const docs: Document[] = [];
      while (p < seqEnd) {
        const r = readDocument(buf, p, seqEnd);
        docs.push(r.doc);
        p = r.next;
      }
      sequences.push([id.value, docs]);
      offset = seqEnd;
    } else {
      throw new WireProtocolError(`unsupported OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw new WireProtocolError('OP_MSG without a body section');
  for (const [id, docs] of sequences) {
    const existing: unknown = body[id];
    body[id] = Array.isArray(existing) ? [...(existing as Document[]), ...docs] : docs;
  }
  const db = typeof body.$db === 'string' ? body.$db : 'admin';
  return { header, opCode: OP_MSG, command: body, db, moreToCome: (flags & FLAG_MORE_TO_COME) !== 0 };
}

function decodeOpQuery(buf: Buffer, header: MessageHeader): Request {
  let offset = HEADER_SIZE + 4; // flags
  const ns = readCString(buf, offset, buf.length);
  offset = ns.next + 8; // numberToSkip, numberToReturn
  const q = readDocument(buf, offset, buf.length);
  let command = q.doc;
  // Legacy wrapped form: { $query: {...}, $readPreference: ... }
  if (command.$query !== null && typeof command.$query === 'object' && !Array.isArray(command.$query)) {
    command = command.$query as Document;
  }
  const dot = ns.value.indexOf('.');
  const db = dot > 0 ? ns.value.slice(0, dot) : ns.value;
  if (!ns.value.endsWith('.$cmd')) throw new WireProtocolError('OP_QUERY is only supported for commands');
  return { header, opCode: OP_QUERY, command, db, moreToCome: false };
}

let nextRequestId = 1;

function writeHeader(out: Buffer, length: number, responseTo: number, opCode: number): void {
  out.writeInt32LE(length, 0);
  out.writeInt32LE(nextRequestId++ & 0x7fffffff, 4);
  out.writeInt32LE(responseTo, 8);
  out.writeInt32LE(opCode, 12);
}

/** OP_MSG reply: header, flagBits 0, one kind-0 section. */
export function encodeOpMsg(responseTo: number, doc: Document): Buffer {
  const body = BSON.serialize(doc);
  const out = Buffer.allocUnsafe(HEADER_SIZE + 4 + 1 + body.length);
  writeHeader(out, out.length, responseTo, OP_MSG);
  out.writeUInt32LE(0, HEADER_SIZE);
  out[HEADER_SIZE + 4] = 0;
  out.set(body, HEADER_SIZE + 5);
  return out;
}

/** OP_REPLY: responseFlags int32, cursorID int64, startingFrom int32, numberReturned int32, docs. */
export function encodeOpReply(responseTo: number, doc: Document): Buffer {
  const body = BSON.serialize(doc);
  const out = Buffer.allocUnsafe(HEADER_SIZE + 20 + body.length);
  writeHeader(out, out.length, responseTo, OP_REPLY);
  out.writeInt32LE(0, 16);
  out.writeBigInt64LE(0n, 20);
  out.writeInt32LE(0, 28);
  out.writeInt32LE(1, 32);
  out.set(body, HEADER_SIZE + 20);
  return out;
}

/** Encodes an OP_MSG request (used by tests and tools): optional kind-1 sequences and flags. */
export function encodeOpMsgRequest(
  requestId: number,
  body: Document,
  opts: { sequences?: Record<string, Document[]>; moreToCome?: boolean; checksum?: boolean } = {},
): Buffer {
  const parts: Buffer[] = [Buffer.from([0]), Buffer.from(BSON.serialize(body))];
  for (const [id, docs] of Object.entries(opts.sequences ?? {})) {
    const payload = Buffer.concat([Buffer.from(id + '\0', 'utf8'), ...docs.map((d) => Buffer.from(BSON.serialize(d)))]);
    const size = Buffer.alloc(4);
    size.writeInt32LE(payload.length + 4);
    parts.push(Buffer.from([1]), size, payload);
  }
  const flags = (opts.moreToCome ? FLAG_MORE_TO_COME : 0) | (opts.checksum ? FLAG_CHECKSUM_PRESENT : 0);
  const sections = Buffer.concat(parts);
  const length = HEADER_SIZE + 4 + sections.length + (opts.checksum ? 4 : 0);
  const out = Buffer.alloc(length);
  out.writeInt32LE(length, 0);
  out.writeInt32LE(requestId, 4);
  out.writeInt32LE(0, 8);
  out.writeInt32LE(OP_MSG, 12);
  out.writeUInt32LE(flags, HEADER_SIZE);
  out.set(sections, HEADER_SIZE + 4);
  if (opts.checksum) out.writeUInt32LE(crc32c(out.subarray(0, length - 4)), length - 4);
  return out;
}

/** Splits a byte stream into complete messages; throws WireProtocolError on an impossible length. */
export class MessageFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;

  private readonly maxMessageSize: number;

  constructor(maxMessageSize = MAX_MESSAGE_SIZE_BYTES) {
    this.maxMessageSize = maxMessageSize;
  }

  /** Bytes held for a message that has not fully arrived yet. */
  get pending(): number {
    return this.buffered;
  }

  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: Buffer[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const head = this.peek(4);
      const len = head.readInt32LE(0);
      if (len < HEADER_SIZE || len > this.maxMessageSize) {
        throw new WireProtocolError(`invalid message length ${len}`);
      }
      if (this.buffered < len) break;
      out.push(this.take(len));
    }
    return out;
  }

  private peek(n: number): Buffer {
    if (this.chunks[0].length >= n) return this.chunks[0];
    const all = Buffer.concat(this.chunks);
    this.chunks = [all];
    return all;
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    const msg = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    return msg;
  }
}
