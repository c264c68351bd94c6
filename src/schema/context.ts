import { GraphQLError } from 'graphql';
import type { PortalService } from '../portals/service.js';

/** What every resolver sees: the caller's organization (if it presented a valid key) and the use cases. */
export interface GraphQLContext {
  organizationId: string | undefined;
  portals: PortalService;
}

/** The caller's organization; a request without a valid key gets a 401-class error. */
export function requireOrganization(context: GraphQLContext): string {
  if (context.organizationId === undefined) {
    throw new GraphQLError('A valid API key is required (REB-APIKEY or Authorization: Bearer).', {
      extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
    });
  }
  return context.organizationId;
}
