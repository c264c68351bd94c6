/** The REST door's credential check: 401 without a valid key, 403 under another organization's path. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { presentedKey, type ApiKeys } from '../auth/credentials.js';
import { problem, sendProblem } from './problem.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `authenticate` on every portal route. */
    organizationId: string;
  }
}

export function authenticator(apiKeys: ApiKeys) {
  return async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
    const organizationId = apiKeys.organizationOf(presentedKey({ get: (name) => request.headers[name] }));
    if (organizationId === undefined) {
      reply.header('WWW-Authenticate', 'Bearer');
      return sendProblem(reply, problem(401, 'A valid API key is required in REB-APIKEY or Authorization: Bearer.'));
    }
    const pathOrganization = (request.params as { organizationId?: string }).organizationId;
    if (pathOrganization !== undefined && pathOrganization !== organizationId) {
      return sendProblem(reply, problem(403, 'This API key does not belong to the organization in the path.'));
    }
    request.organizationId = organizationId;
  };
}
