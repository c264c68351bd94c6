import type { FastifyInstance, HTTPMethods } from 'fastify';
import { problem, sendProblem } from './problem.ts';

const METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

/** Every other method on `url` is a 405 naming the allowed ones in `Allow` (HEAD comes with GET). */
export function refuseOtherMethods(app: FastifyInstance, url: string, allowed: HTTPMethods[]): void {
  const allow = allowed.includes('GET') && !allowed.includes('HEAD') ? [...allowed, 'HEAD'] : allowed;
  app.route({
    method: METHODS.filter((m) => !allow.includes(m)),
    url,
    handler: (request, reply) =>
      sendProblem(reply.header('Allow', allow.join(', ')), problem(405, `${request.method} is not allowed here.`)),
  });
}
