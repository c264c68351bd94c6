/** The BillingPortal type and its single-portal queries. */
import { DEFAULT_COLORS, DEFAULT_PORTAL_HOST, portalUrl, type Portal } from '../../portals/model.ts';
import { builder } from './builder.ts';
import { requireOrganization } from './context.ts';

export const BillingPortalStatus = builder.enumType('BillingPortalStatus', {
  description: 'Whether the portal is served. An inactive portal\'s public URL answers 404.',
  values: {
    ACTIVE: { value: 'active', description: 'The portal is served at its URL.' },
    INACTIVE: { value: 'inactive', description: 'The portal\'s URL answers 404.' },
  } as const,
});

const BillingPortalFeatures = builder.objectRef<Portal['features']>('BillingPortalFeatures').implement({
  description: 'Features that can be enabled for the billing portal. Each defaults to true.',
  fields: (t) => ({
    authenticateWithPassword: t.exposeBoolean('authenticateWithPassword', {
      description: 'Whether a customer can authenticate with a password.',
    }),
    orderCancel: t.exposeBoolean('orderCancel', { description: 'Whether a customer can cancel an order.' }),
    orderAddressEdit: t.exposeBoolean('orderAddressEdit', { description: 'Whether a customer can change an order address.' }),
    paymentInstrumentAdd: t.exposeBoolean('paymentInstrumentAdd', {
      description: 'Whether a customer can add a new payment instrument.',
    }),
    paymentInstrumentUpdate: t.exposeBoolean('paymentInstrumentUpdate', {
      description: 'Whether a customer can update their payment instruments.',
    }),
    paymentInstrumentDeactivate: t.exposeBoolean('paymentInstrumentDeactivate', {
      description: 'Whether a customer can disable their payment instruments.',
    }),
  }),
});

const BillingPortalColors = builder.objectRef<Portal['customization']['colors']>('BillingPortalColors').implement({
  description: 'Colours used in the billing portal, each 6 lower-case hexadecimal digits without "#".',
  fields: (t) => ({
    primary: t.exposeString('primary', { description: `Primary colour. Default "${DEFAULT_COLORS.primary}".` }),
    secondary: t.exposeString('secondary', { description: `Secondary colour. Default "${DEFAULT_COLORS.secondary}".` }),
  }),
});

const BillingPortalLinks = builder.objectRef<Portal['customization']['links']>('BillingPortalLinks').implement({
  description: 'URLs displayed in the billing portal; each is an absolute http(s) URL or null.',
  fields: (t) => ({
    termsOfService: t.exposeString('termsOfService', { nullable: true, description: 'Website terms of service URL.' }),
    privacyPolicy: t.exposeString('privacyPolicy', { nullable: true, description: 'Website privacy policy URL.' }),
    refundPolicy: t.exposeString('refundPolicy', { nullable: true, description: 'Website refund policy URL.' }),
  }),
});

const BillingPortalCustomization = builder
  .objectRef<Portal['customization']>('BillingPortalCustomization')
  .implement({
    description: 'Visual customization options for the billing portal.',
    fields: (t) => ({
      logoId: t.exposeString('logoId', { nullable: true, description: 'File ID of the billing portal logo, or null.' }),
      colors: t.expose('colors', { type: BillingPortalColors, description: 'Colours used in the billing portal.' }),
      links: t.expose('links', { type: BillingPortalLinks, description: 'URLs displayed in the billing portal.' }),
    }),
  });

export const BillingPortal = builder.objectRef<Portal>('BillingPortal').implement({
  description:
    'A billing portal: the page where a merchant\'s customers manage their payment instruments and orders. ' +
    'Every field is shown with its default filled in.',
  fields: (t) => ({
    id: t.exposeID('id', {
      description: 'ID of the billing portal: 1–50 of letters, digits and @ ~ - . _ (server-made ids start with `bill_prt_`).',
    }),
    websiteId: t.exposeString('websiteId', {
      description: 'ID of the website: where the organization obtains a customer.',
    }),
    slug: t.exposeString('slug', {
      description:
        'Path segment appended to the portal URL to make it human-readable (https://example.com/billing-portal/{slug}); ' +
        'unique within the organization.',
    }),
    name: t.exposeString('name', {
      description: 'Billing portal name, for internal use only; never displayed to customers.',
    }),
    customDomain: t.exposeString('customDomain', {
      nullable: true,
      description: `Custom domain of the billing portal (lower-case), or null for the default domain ${DEFAULT_PORTAL_HOST}.`,
    }),
    status: t.expose('status', { type: BillingPortalStatus, description: 'Whether the portal is served. Default ACTIVE.' }),
    features: t.expose('features', { type: BillingPortalFeatures, description: 'Features enabled for the billing portal.' }),
    customization: t.expose('customization', {
      type: BillingPortalCustomization,
      description: 'Visual customization options for the billing portal.',
    }),
    createdTime: t.expose('createdTime', { type: 'DateTime', description: 'When the portal was created; set once.' }),
    updatedTime: t.expose('updatedTime', { type: 'DateTime', description: 'When the portal was last written.' }),
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
