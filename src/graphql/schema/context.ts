import { GraphQLError } from 'graphql';
import { CREDENTIAL_REQUIRED } from '../../auth/credentials.ts';
import type { PortalChangeFeed } from '../../portals/mongo/change-feed.ts';
import type { PortalService } from '../../portals/service.ts';

/**
 * What every resolver sees: the caller's organization and its key's name (if it presented a valid key),
 * and the use cases.
 */
export interface GraphQLContext {
  organizationId: string | undefined;
  apiKeyName?: string;
  portals: PortalService;
  /** Live changes; absent when this service runs without them. */
  changes?: PortalChangeFeed;
  /** The SSE Last-Event-ID header: where a reconnecting subscriber resumes. */
  lastEventId?: string;
  /** The event id of the change a subscription is delivering, for the SSE `id:` line. */
  delivery?: { eventId?: string };
}

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } } },
  });
}

/** The caller's organization; a request without a valid key gets a 401. */
export function requireOrganization(context: GraphQLContext): string {
  if (context.organizationId === undefined) throw unauthenticated(CREDENTIAL_REQUIRED);
  return context.organizationId;
}

/** The name of the caller's API key, which the change history records as who wrote. */
export function writerOf(context: GraphQLContext): string | null {
  return context.apiKeyName ?? null;
}
