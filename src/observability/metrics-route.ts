/**
 * GET /metrics: the Prometheus exposition, for a scraper that presents METRICS_TOKEN as a bearer token.
 * Without METRICS_TOKEN the route does not exist (and nothing is collected): metrics are never public.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { refuseOtherMethods } from '../http/method-not-allowed.ts';
import { problem, sendProblem } from '../http/problem.ts';
import type { ServiceMetrics } from './metrics.ts';

export const METRICS_PATH = '/metrics';

export interface MetricsRouteOptions {
  metrics: ServiceMetrics;
  token: string;
}

/** Compared as digests, so that neither the token's content nor its length shows in the timing. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export async function metricsRoute(app: FastifyInstance, options: MetricsRouteOptions): Promise<void> {
  const expected = digest(options.token);
  app.get(METRICS_PATH, async (request, reply) => {
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token || !timingSafeEqual(digest(token), expected)) {
      reply.header('WWW-Authenticate', 'Bearer realm="metrics"');
      return sendProblem(reply, problem(401, 'Send METRICS_TOKEN as a bearer token (Authorization: Bearer …).'));
    }
    reply.header('Cache-Control', 'no-store').type(options.metrics.contentType);
    return options.metrics.exposition();
  });
  refuseOtherMethods(app, METRICS_PATH, ['GET']);
}
