/**
 * Cross-origin access, one policy for both doors (REST and /graphql): only the origins CORS_ORIGINS lists
 * (or every origin, with `*`), never with credentials — keys travel in headers, not cookies. A request from
 * any other origin gets no Access-Control-* header at all, and its preflight is answered as any OPTIONS
 * is: 405.
 */
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/** `*` alone: any origin; otherwise exact origins (scheme://host[:port]). Empty: no cross-origin access. */
export type CorsOrigins = '*' | string[];

/** What a browser may send: the key, the body's type, preconditions, the idempotency key, request and trace ids. */
const ALLOWED_HEADERS = [
  'REB-APIKEY',
  'Authorization',
  'Content-Type',
  'If-Match',
  'If-None-Match',
  'Idempotency-Key',
  'X-Request-Id',
  'traceparent',
  'tracestate',
];

/** What a browser script may read of a response, besides the CORS-safelisted headers. */
const EXPOSED_HEADERS = [
  'ETag',
  'Location',
  'WWW-Authenticate',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Retry-After',
  'Retry-After',
  'Idempotent-Replayed',
  'Pagination-Total',
  'Pagination-Limit',
  'Pagination-Offset',
  'X-Request-Id',
];

export async function crossOriginAccess(app: FastifyInstance, origins: CorsOrigins): Promise<void> {
  if (origins !== '*' && origins.length === 0) return;
  const allowed = new Set(origins);
  await app.register(cors, {
    // A function rather than the list: the plugin would otherwise send its other headers to any origin.
    origin:
      origins === '*'
        ? '*'
        : (origin, callback) => callback(null, origin !== undefined && allowed.has(origin) ? origin : false),
    credentials: false,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
    strictPreflight: false,
  });
}
