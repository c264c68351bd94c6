/**
 * The REST representation of a portal (API.md): every field, defaults filled in, times as RFC 3339
 * with milliseconds, `status` lower-case, and `_links`. Built from a stored portal or from the
 * `BillingPortal` selection of a GraphQL result, which carry the same fields.
 */
import { z } from 'zod';
import { FEATURE_NAMES, LINK_NAMES, PORTAL_STATUSES, type Portal } from '../portals/model.ts';

const links = z.array(z.strictObject({ rel: z.literal('self'), href: z.url() }));
const features = z.strictObject(
  Object.fromEntries(FEATURE_NAMES.map((f) => [f, z.boolean()])) as Record<(typeof FEATURE_NAMES)[number], z.ZodBoolean>,
);
const customization = z.strictObject({
  logoId: z.string().nullable(),
  colors: z.strictObject({ primary: z.string().regex(/^[0-9a-f]{6}$/), secondary: z.string().regex(/^[0-9a-f]{6}$/) }),
  links: z.strictObject(
    Object.fromEntries(LINK_NAMES.map((l) => [l, z.url().nullable()])) as Record<
      (typeof LINK_NAMES)[number],
      z.ZodNullable<z.ZodURL>
    >,
  ),
});

/** The REST representation; `toResource` is typed by it and /openapi.json documents it. */
export const portalResourceSchema = z
  .strictObject({
    id: z.string(),
    websiteId: z.string(),
    slug: z.string(),
    name: z.string(),
    customDomain: z.string().nullable(),
    status: z.enum(PORTAL_STATUSES),
    features,
    customization,
    createdTime: z.iso.datetime({ precision: 3 }),
    updatedTime: z.iso.datetime({ precision: 3 }),
    _links: links,
  })
  .meta({ description: 'A billing portal, every field present with its default filled in.' });

/** The storefront's public view of a portal. */
export const publicPortalSchema = z
  .strictObject({ id: z.string(), websiteId: z.string(), slug: z.string(), features, customization, _links: links })
  .meta({ description: 'What the public storefront shows of an active portal.' });

export type PortalResource = z.infer<typeof portalResourceSchema>;
export type PublicPortal = z.infer<typeof publicPortalSchema>;

export type PortalLike = Omit<Portal, 'organizationId' | 'status' | 'createdTime' | 'updatedTime'> & {
  status: string;
  createdTime: Date | string;
  updatedTime: Date | string;
};

export function toResource(portal: PortalLike, selfHref: string): PortalResource {
  return {
    id: portal.id,
    websiteId: portal.websiteId,
    slug: portal.slug,
    name: portal.name,
    customDomain: portal.customDomain,
    status: portal.status.toLowerCase() as PortalResource['status'],
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

/** What the public storefront shows: nothing internal (no name, customDomain or status). */
export function toPublicView(portal: Portal, selfHref: string): PublicPortal {
  return {
    id: portal.id,
    websiteId: portal.websiteId,
    slug: portal.slug,
    features: { ...portal.features },
    customization: {
      logoId: portal.customization.logoId,
      colors: { ...portal.customization.colors },
      links: { ...portal.customization.links },
    },
    _links: [{ rel: 'self', href: selfHref }],
  };
}
