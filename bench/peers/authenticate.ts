import { CREDENTIAL_REQUIRED, type ApiKeys, type Headers } from '../../src/auth/credentials.ts';
import type { PeerContext } from './schema.ts';

/** A request's caller from its API key, or why it is refused (the service's wording, answered with a 401). */
export function callerOf(apiKeys: ApiKeys, headers: Headers): PeerContext | { refused: string } {
  const credential = apiKeys.authenticate(headers);
  if (credential.kind === 'valid')
    return { organizationId: credential.organizationId, apiKeyName: credential.apiKeyName };
  return { refused: credential.kind === 'invalid' ? credential.reason : CREDENTIAL_REQUIRED };
}
