/**
 * Whether GraphiQL's page may carry the development key pre-filled: only for a browser on this machine
 * talking to this machine. The Host must name a loopback address, so a page on another site that resolves
 * its own name to 127.0.0.1 (DNS rebinding) does not get it, and the request must not come from another
 * site (Origin, Sec-Fetch-Site).
 */
import type { FastifyRequest } from 'fastify';
import { isLoopbackHost } from '../../http/loopback.ts';

function isSameOrigin(request: FastifyRequest, origin: string): boolean {
  try {
    const url = new URL(origin);
    return url.protocol === `${request.protocol}:` && url.host === request.host.toLowerCase();
  } catch {
    return false;
  }
}

export function mayShowDevelopmentKey(request: FastifyRequest): boolean {
  const { headers } = request;
  if (!isLoopbackHost(headers.host) || !isLoopbackHost(request.host)) return false;
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = headers.origin;
  return origin === undefined || isSameOrigin(request, origin);
}
