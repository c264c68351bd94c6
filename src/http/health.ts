/** GET /healthz (the process is up, and on which Node) and GET /readyz (the database answers). */
import type { FastifyInstance } from 'fastify';
import { refuseOtherMethods } from './method-not-allowed.ts';
import { problem, sendProblem } from './problem.ts';

export interface HealthOptions {
  /** Answers when the database does; rejects (or resolves false) when it does not. */
  databaseReady: () => Promise<boolean>;
}

export async function healthRoutes(app: FastifyInstance, options: HealthOptions): Promise<void> {
  // The runtime is reported so that a deployment (and CI) can see which Node actually serves.
  const health = { status: 'ok', node: process.versions.node } as const;
  app.get('/healthz', async () => health);
  app.get('/readyz', async (_request, reply) => {
    const ready = await options.databaseReady().catch(() => false);
    if (!ready) {
      const notReady = {
        ...problem(503, 'The database is not answering.'),
        dependencies: { database: 'not answering' },
      };
      return sendProblem(reply, notReady);
    }
    return { status: 'ready', dependencies: { database: 'ready' } };
  });
  for (const url of ['/healthz', '/readyz']) refuseOtherMethods(app, url, ['GET']);
}
