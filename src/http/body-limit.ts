/** The largest request body either door reads (REST and GraphQL alike); larger ones are 413. */
import type { FastifyReply, FastifyRequest } from 'fastify';

export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * How much of a body the service discards after answering before it has read it all (a 413, a 401 before the
 * body). Closing at once would reset a client still sending, which then sees a broken pipe, not the answer.
 */
export const MAX_DISCARDED_BODY_BYTES = 32 * MAX_BODY_BYTES;

/** For an answer sent while the request's body is still arriving: read the rest and drop it, up to the bound. */
export function discardUnreadBody(request: FastifyRequest, reply: FastifyReply): void {
  const raw = request.raw;
  if (raw.complete || raw.readableEnded) return;
  if (Number(raw.headers['content-length']) > MAX_DISCARDED_BODY_BYTES) {
    reply.header('connection', 'close');
    return;
  }
  // Fastify closes after a body it refused; the connection stays open until the body has been read instead.
  reply.removeHeader('connection');
  let discarded = 0;
  raw.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > MAX_DISCARDED_BODY_BYTES) raw.socket.destroy();
  });
  raw.resume();
}
