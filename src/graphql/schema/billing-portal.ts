/** The BillingPortal type and its single-portal queries. */
import { DEFAULT_PORTAL_HOST, PORTAL_FIELDS, type Portal } from '../../portals/fields.ts';
import { portalUrl } from '../../portals/model.ts';
import { builder } from './builder.ts';
import { requireOrganization } from './context.ts';
import { enumOf, outputFields } from './portal-types.ts';

export const BillingPortalStatus = enumOf(PORTAL_FIELDS.status);

export const BillingPortal = builder.objectRef<Portal>('BillingPortal').implement({
  description:
    "A billing portal: the page where a merchant's customers manage their payment instruments and orders. " +
    'Every field is shown with its default filled in.',
  fields: (t) => ({
    ...outputFields(PORTAL_FIELDS)(t as never),
    portalUrl: t.string({
      description: `The portal's public URL: https://{customDomain or ${DEFAULT_PORTAL_HOST}}/billing-portal/{slug}.`,
      resolve: (portal) => portalUrl(portal),
    }),
  }),
});

builder.queryFields((t) => ({
  billingPortal: t.field({
    type: BillingPortal,
    nullable: true,
    description: 'The billing portal with this id in your organization, or null when there is none.',
    args: { id: t.arg.id({ required: true, description: 'ID of the billing portal.' }) },
    resolve: (_root, { id }, context) => context.portals.get(requireOrganization(context), String(id)),
  }),
  billingPortalBySlug: t.field({
    type: BillingPortal,
    nullable: true,
    description: 'The billing portal with this slug (matched case-insensitively) in your organization, or null.',
    args: { slug: t.arg.string({ required: true, description: 'Slug of the billing portal.' }) },
    resolve: (_root, { slug }, context) => context.portals.getBySlug(requireOrganization(context), slug),
  }),
}));
