/**
 * The billing-portal resource: its types, its defaults and the one validation schema that both doors
 * (GraphQL and REST) use. API.md is the contract this file implements.
 */
import { z } from 'zod';
import { ValidationError, type InvalidField } from './errors.ts';

export const PORTAL_STATUSES = ['active', 'inactive'] as const;
export type PortalStatus = (typeof PORTAL_STATUSES)[number];

export const FEATURE_NAMES = [
  'authenticateWithPassword',
  'orderCancel',
  'orderAddressEdit',
  'paymentInstrumentAdd',
  'paymentInstrumentUpdate',
  'paymentInstrumentDeactivate',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];
export type PortalFeatures = Record<FeatureName, boolean>;

export const LINK_NAMES = ['termsOfService', 'privacyPolicy', 'refundPolicy'] as const;
export type LinkName = (typeof LINK_NAMES)[number];

export const DEFAULT_PORTAL_HOST = 'portal.secure-payments.app';
export const DEFAULT_COLORS = { primary: '0044d4', secondary: 'ffffff' } as const;

/** The writable part of a portal, every field present, defaults filled in. */
export interface PortalFields {
  websiteId: string;
  slug: string;
  name: string;
  customDomain: string | null;
  status: PortalStatus;
  features: PortalFeatures;
  customization: {
    logoId: string | null;
    colors: { primary: string; secondary: string };
    links: Record<LinkName, string | null>;
  };
}

/** A stored portal as the domain sees it. */
export interface Portal extends PortalFields {
  id: string;
  organizationId: string;
  createdTime: Date;
  updatedTime: Date;
}

/** Fields a client may send but that the server owns; a request body carrying them is not an error. */
export const READ_ONLY_FIELDS = ['id', 'createdTime', 'updatedTime', '_links'] as const;

/** `[@~\-.\w]`: characters that can stand in a URL path segment unescaped. */
const URL_SAFE = /^[@~\-.\w]+$/;
const URL_SAFE_RULE = 'ASCII letters, digits and @ ~ - . _';
const HEX_COLOR = /^[0-9a-fA-F]{6}$/;
const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const TOP_LEVEL_LABEL = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
const MAX_LINK_LENGTH = 2048;

export const ID_RULE = { min: 1, max: 50 } as const;

function isHostName(value: string): boolean {
  if (value.length > 253) return false;
  const labels = value.split('.');
  return labels.length >= 2 && labels.every((l) => HOST_LABEL.test(l)) && TOP_LEVEL_LABEL.test(labels.at(-1)!);
}

/** RFC 3986 characters only (so it is a URI as sent, no spaces, no raw Unicode), percent signs escaping. */
const ABSOLUTE_HTTP_URI = /^https?:\/\/(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+$/i;

function isHttpUrl(value: string): boolean {
  return ABSOLUTE_HTTP_URI.test(value) && URL.canParse(value) && new URL(value).hostname !== '';
}

/** The platform's own host (and anything under it) is nobody's custom domain. */
function isPlatformHost(host: string): boolean {
  return host === DEFAULT_PORTAL_HOST || host.endsWith(`.${DEFAULT_PORTAL_HOST}`);
}

/** A type error names what was expected; an absent required field says so. */
function expected(what: string) {
  return {
    error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${what}`),
  };
}

const text = (min: number, max: number) =>
  z
    .string(expected('a string'))
    .min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters long`)
    .max(max, `must be at most ${max} characters long`);

const urlSafe = (min: number, max: number) =>
  text(min, max).regex(URL_SAFE, `may contain only ${URL_SAFE_RULE}`);

const color = z
  .string(expected('a string'))
  .regex(HEX_COLOR, 'must be 6 hexadecimal digits without "#", e.g. "0044d4"')
  .transform((c) => c.toLowerCase());

const link = z
  .string(expected('a string'))
  .max(MAX_LINK_LENGTH, `must be at most ${MAX_LINK_LENGTH} characters long`)
  .refine(isHttpUrl, 'must be an absolute http or https URL');

const flag = z.boolean(expected('true or false'));

const object = <T extends z.core.$ZodLooseShape>(shape: T) => z.strictObject(shape, expected('an object'));

/** The id a client chooses on PUT (and that every id lookup checks before touching the database). */
export const portalIdSchema = urlSafe(ID_RULE.min, ID_RULE.max);

/**
 * The input shape of a billing portal, shared by `BillingPortalInput` (GraphQL) and the REST body
 * (read-only fields removed). Optional fields accept null, which means "the default".
 */
export const portalInputSchema = object({
  // (an empty id is min's to report, once)
  websiteId: text(1, 50).regex(/^(?:\S(?:.*\S)?)?$/s, 'must not be blank or start or end with white space'),
  slug: urlSafe(5, 100),
  name: z.string(expected('a string')).trim().min(1, 'must not be blank').max(255, 'must be at most 255 characters long'),
  customDomain: z
    .string(expected('a string'))
    .max(255, 'must be at most 255 characters long')
    .transform((d) => d.toLowerCase())
    .refine(isHostName, 'must be a host name such as "billing.example.com"')
    .refine((host) => !isPlatformHost(host), `must not be ${DEFAULT_PORTAL_HOST}, the default host (send null for it)`)
    .nullish(),
  status: z.enum(PORTAL_STATUSES, { error: `must be one of: ${PORTAL_STATUSES.join(', ')}` }).nullish(),
  features: object(Object.fromEntries(FEATURE_NAMES.map((f) => [f, flag.nullish()])) as Record<
    FeatureName,
    z.ZodOptional<z.ZodNullable<typeof flag>>
  >).nullish(),
  customization: object({
    logoId: text(1, 50).nullish(),
    colors: object({ primary: color.nullish(), secondary: color.nullish() }).nullish(),
    links: object({
      termsOfService: link.nullish(),
      privacyPolicy: link.nullish(),
      refundPolicy: link.nullish(),
    }).nullish(),
  }).nullish(),
});

function toInvalidFields(error: z.ZodError): InvalidField[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: [...path, key].join('.'),
        message: 'is not a field of a billing portal',
      }));
    }
    return [{ field: path.length > 0 ? path.join('.') : 'body', message: issue.message }];
  });
}

type Checked = { fields: PortalFields; invalidFields?: undefined } | { fields?: undefined; invalidFields: InvalidField[] };

/** Validates a full-replacement input and fills every default. */
function checkPortalInput(input: unknown): Checked {
  const result = portalInputSchema.safeParse(input);
  if (!result.success) return { invalidFields: toInvalidFields(result.error) };
  const { features, customization } = result.data;
  return {
    fields: {
      websiteId: result.data.websiteId,
      slug: result.data.slug,
      name: result.data.name,
      customDomain: result.data.customDomain ?? null,
      status: result.data.status ?? 'active',
      features: Object.fromEntries(FEATURE_NAMES.map((f) => [f, features?.[f] ?? true])) as PortalFeatures,
      customization: {
        logoId: customization?.logoId ?? null,
        colors: {
          primary: customization?.colors?.primary ?? DEFAULT_COLORS.primary,
          secondary: customization?.colors?.secondary ?? DEFAULT_COLORS.secondary,
        },
        links: {
          termsOfService: customization?.links?.termsOfService ?? null,
          privacyPolicy: customization?.links?.privacyPolicy ?? null,
          refundPolicy: customization?.links?.refundPolicy ?? null,
        },
      },
    },
  };
}

/** Validates a write under a server-made id (POST); throws ValidationError. */
export function parsePortalInput(input: unknown): PortalFields {
  const checked = checkPortalInput(input);
  if (checked.invalidFields) throw new ValidationError(checked.invalidFields);
  return checked.fields;
}

/**
 * Validates a write under a client-chosen id (PUT): the id and the whole input, every problem of both
 * reported together. Throws ValidationError.
 */
export function parsePortalWrite(id: unknown, input: unknown): PortalFields {
  const idCheck = portalIdSchema.safeParse(id);
  const idProblems = idCheck.success ? [] : idCheck.error.issues.map((i) => ({ field: 'id', message: i.message }));
  const checked = checkPortalInput(input);
  const problems = [...idProblems, ...(checked.invalidFields ?? [])];
  if (problems.length > 0 || !checked.fields) throw new ValidationError(problems);
  return checked.fields;
}

export function isPortalId(id: string): boolean {
  return portalIdSchema.safeParse(id).success;
}

export function portalUrl(portal: Pick<PortalFields, 'customDomain' | 'slug'>): string {
  return `https://${portal.customDomain ?? DEFAULT_PORTAL_HOST}/billing-portal/${portal.slug}`;
}
