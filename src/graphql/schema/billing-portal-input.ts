/**
 * BillingPortalInput. Fields whose rule is a format (slug, domain, colours, links) are plain Strings:
 * the portal validation schema checks them, so a bad value comes back as ValidationError data with
 * its field path, exactly as at the REST door.
 */
import { DEFAULT_COLORS, DEFAULT_PORTAL_HOST } from '../../portals/model.ts';
import { BillingPortalStatus } from './billing-portal.ts';
import { builder } from './builder.ts';

const BillingPortalFeaturesInput = builder.inputType('BillingPortalFeaturesInput', {
  description: 'Features to enable; an omitted or null feature is enabled (true).',
  fields: (t) => ({
    authenticateWithPassword: t.boolean({ description: 'Whether a customer can authenticate with a password. Default true.' }),
    orderCancel: t.boolean({ description: 'Whether a customer can cancel an order. Default true.' }),
    orderAddressEdit: t.boolean({ description: 'Whether a customer can change an order address. Default true.' }),
    paymentInstrumentAdd: t.boolean({ description: 'Whether a customer can add a new payment instrument. Default true.' }),
    paymentInstrumentUpdate: t.boolean({ description: 'Whether a customer can update their payment instruments. Default true.' }),
    paymentInstrumentDeactivate: t.boolean({
      description: 'Whether a customer can disable their payment instruments. Default true.',
    }),
  }),
});

const BillingPortalColorsInput = builder.inputType('BillingPortalColorsInput', {
  description: 'Colours, each 6 hexadecimal digits without "#" (stored lower-case).',
  fields: (t) => ({
    primary: t.string({ description: `Primary colour. Default "${DEFAULT_COLORS.primary}".` }),
    secondary: t.string({ description: `Secondary colour. Default "${DEFAULT_COLORS.secondary}".` }),
  }),
});

const BillingPortalLinksInput = builder.inputType('BillingPortalLinksInput', {
  description: 'URLs displayed in the portal; each an absolute http(s) URL of at most 2048 characters, or null.',
  fields: (t) => ({
    termsOfService: t.string({ description: 'Website terms of service URL. Default null.' }),
    privacyPolicy: t.string({ description: 'Website privacy policy URL. Default null.' }),
    refundPolicy: t.string({ description: 'Website refund policy URL. Default null.' }),
  }),
});

const BillingPortalCustomizationInput = builder.inputType('BillingPortalCustomizationInput', {
  description: 'Visual customization options; anything omitted returns to its default.',
  fields: (t) => ({
    logoId: t.string({ description: 'File ID of the portal logo: 1–50 characters, or null (the default).' }),
    colors: t.field({ type: BillingPortalColorsInput, description: 'Colours used in the portal.' }),
    links: t.field({ type: BillingPortalLinksInput, description: 'URLs displayed in the portal.' }),
  }),
});

export const BillingPortalInput = builder.inputType('BillingPortalInput', {
  description:
    'A whole billing portal. Writing one is a full replacement: every optional field that is omitted or null ' +
    'returns to its default.',
  fields: (t) => ({
    websiteId: t.string({ required: true, description: 'ID of the website: 1–50 characters.' }),
    slug: t.string({
      required: true,
      description:
        'Path segment of the portal URL: 5–100 of letters, digits and @ ~ - . _; unique (case-insensitively) ' +
        'within your organization.',
    }),
    name: t.string({
      required: true,
      description: 'Internal name, never shown to customers: 1–255 characters after trimming.',
    }),
    customDomain: t.string({
      description: `Custom host name (e.g. "billing.example.com"), at most 255 characters; null serves the portal on ${DEFAULT_PORTAL_HOST}.`,
    }),
    status: t.field({ type: BillingPortalStatus, description: 'Default ACTIVE.' }),
    features: t.field({ type: BillingPortalFeaturesInput, description: 'Features to enable.' }),
    customization: t.field({ type: BillingPortalCustomizationInput, description: 'Visual customization options.' }),
  }),
});
