/** The REST door's credential check: 401 without a valid key, 403 under another organization's path. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CREDENTIAL_REQUIRED, type ApiKeys } from '../auth/credentials.ts';
import { problem, sendProblem } from '../http/problem.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `authenticate` on every portal route. */
    organizationId: string;
    /** The name of the request's API key, for the change history. */
    apiKeyName: string;
  }
}

export function authenticator(apiKeys: ApiKeys) {
  return async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
    const credential = apiKeys.authenticate({ get: (name) => request.headers[name] });
    if (credential.kind !== 'valid') {
      reply.header('WWW-Authenticate', 'Bearer');
      return sendProblem(reply, problem(401, credential.kind === 'none' ? CREDENTIAL_REQUIRED : credential.reason));
    }
    const { organizationId } = credential;
    const pathOrganization = (request.params as { organizationId?: string }).organizationId;
    if (pathOrganization !== undefined && pathOrganization !== organizationId) {
      return sendProblem(reply, problem(403, 'This API key does not belong to the organization in the path.'));
    }
    request.organizationId = organizationId;
    request.apiKeyName = credential.apiKeyName;
  };
}
