/**
 * The REST representation of a portal (API.md): every field, defaults filled in, times as RFC 3339
 * with milliseconds, `status` lower-case, and `_links`. Built from a stored portal or from the
 * `BillingPortal` selection of a GraphQL result, which carry the same fields.
 */
import type { Portal } from '../portals/model.js';

export type PortalLike = Omit<Portal, 'organizationId' | 'status' | 'createdTime' | 'updatedTime'> & {
  status: string;
  createdTime: Date | string;
  updatedTime: Date | string;
};

export function toResource(portal: PortalLike, selfHref: string) {
  return {
    id: portal.id,
    websiteId: portal.websiteId,
    slug: portal.slug,
    name: portal.name,
    customDomain: portal.customDomain,
    status: portal.status.toLowerCase(),
    features: { ...portal.features },
    customization: {
      logoId: portal.customization.logoId,
      colors: { ...portal.customization.colors },
      links: { ...portal.customization.links },
    },
    createdTime: new Date(portal.createdTime).toISOString(),
    updatedTime: new Date(portal.updatedTime).toISOString(),
    _links: [{ rel: 'self', href: selfHref }],
  };
}
