/**
 * The public, unauthenticated storefront read: a portal's public view by slug, within an organization
 * or on the custom domain the request's Host names. Missing and inactive look the same: 404.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StoredPortal } from '../portals/model.ts';
import type { PortalService } from '../portals/service.ts';
import { refuseOtherMethods } from '../http/method-not-allowed.ts';
import { problem, sendProblem } from '../http/problem.ts';
import { etagOf, notModified } from './preconditions.ts';
import { toPublicView } from './resource.ts';

export interface StorefrontOptions {
  portals: PortalService;
}

type StorefrontRequest = FastifyRequest<{ Params: { slug: string; organizationId?: string } }>;

export async function storefrontRoutes(app: FastifyInstance, options: StorefrontOptions): Promise<void> {
  const { portals } = options;

  function answer(request: StorefrontRequest, reply: FastifyReply, portal: StoredPortal | null) {
    // Deactivation must take effect at once: a cache (a CDN) may keep the view but must revalidate it every
    // time, which the ETag makes cheap: 304 and no body while the portal is unchanged.
    reply.header('Cache-Control', 'no-cache');
    if (!portal) return sendProblem(reply, problem(404, `No active billing portal "${request.params.slug}" here.`));
    reply.header('ETag', etagOf(portal.revision));
    if (notModified(request.headers, portal.revision)) return reply.status(304).send();
    const href = `${request.protocol}://${request.host}${request.url.split('?')[0]}`;
    return reply.send(toPublicView(portal, href));
  }

  const inOrganization = '/organizations/:organizationId/storefront/billing-portals/:slug';
  const onCustomDomain = '/storefront/billing-portals/:slug';
  app.get(inOrganization, async (request: StorefrontRequest, reply) =>
    answer(request, reply, await portals.getPublic(request.params.organizationId!, request.params.slug)),
  );
  app.get(onCustomDomain, async (request: StorefrontRequest, reply) =>
    answer(request, reply, await portals.getPublicOnDomain(request.host, request.params.slug)),
  );
  refuseOtherMethods(app, inOrganization, ['GET']);
  refuseOtherMethods(app, onCustomDomain, ['GET']);
}
