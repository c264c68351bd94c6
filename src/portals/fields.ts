/**
 * Every field of a billing portal, declared once: its description, its rule, its default, its GraphQL
 * type, whether clients may write it and whether the public storefront shows it. The validation
 * schema and defaults (model.ts), the GraphQL object and input types (graphql/schema/portal-types.ts),
 * the REST resource, its OpenAPI schema and the storefront view (rest/resource.ts) and the REST PUT's
 * selection set (rest/portal-operation.ts) are all derived from PORTAL_FIELDS. docs/api.md explains
 * the fields to clients.
 *
 * A field has one name at both doors, so that `invalidFields` paths read the same everywhere; only an
 * enum's values are spelled per door (REST `active`, GraphQL `ACTIVE`), and both spellings are declared
 * here, side by side.
 */
import { z } from 'zod';

/** What every field says about itself. */
interface FieldBase {
  description: string;
  /** Shown by the public storefront view. */
  public: boolean;
}

/** A value that the server sets (`id`, the times); clients may send it back, and it is ignored. */
export interface ReadOnlyField<T> extends FieldBase {
  kind: 'readOnly';
  /** `Enum`: the values of `choice`, spelled per door as a writable choice's are. */
  graphql: 'ID' | 'DateTime' | 'String' | 'Enum';
  /** The REST representation's schema of a non-null value (also the OpenAPI schema). */
  resource: z.ZodType;
  /** The value may be null. */
  nullable?: boolean;
  choice?: ChoiceOf<string>;
  /** Never set: carries the value's type for inference. */
  value?: T;
}

/** A choice's GraphQL enum, and each value's GraphQL spelling and meaning. */
export interface ChoiceOf<V extends string> {
  enumName: string;
  enumDescription: string;
  values: Record<V, ChoiceValue>;
}

/**
 * A value that clients write. `input` checks a non-null value; `default` is what an omitted or null
 * value becomes, and a field without one is required. The GraphQL type follows from the kind, so that
 * GraphQL's own input coercion can never accept what `input` refuses.
 */
export interface WritableField<T> extends FieldBase {
  kind: 'text' | 'flag' | 'choice';
  /** The rule in words, for the input types' and OpenAPI's documentation. */
  rule?: string;
  input: z.ZodType<T>;
  /** The REST representation's schema of a non-null value (also the OpenAPI schema). */
  resource: z.ZodType;
  default?: T | null;
  /** For `choice`: the GraphQL enum, and each value's GraphQL spelling and meaning. */
  choice?: ChoiceOf<string & T>;
}

export interface ChoiceValue {
  graphql: string;
  description: string;
}

/** Fields grouped under one name: a nested object at both doors, a type of its own in GraphQL. */
export interface FieldGroup<F extends FieldMap = FieldMap> extends FieldBase {
  kind: 'group';
  /** The GraphQL object type's name; the input type is this plus `Input`. */
  typeName: string;
  fields: F;
  /** Set by the server only (every field inside is read-only): no input type, ignored in REST bodies. */
  readOnly?: boolean;
  /** The whole group may be null. */
  nullable?: boolean;
}

export type Field = ReadOnlyField<unknown> | WritableField<unknown> | FieldGroup;
export type FieldMap = Record<string, Field>;

/** The value a field holds once stored: defaults filled in. */
export type ValueOf<F> =
  F extends FieldGroup<infer M>
    ? F extends { nullable: true }
      ? { [K in keyof M]: ValueOf<M[K]> } | null
      : { [K in keyof M]: ValueOf<M[K]> }
    : F extends ReadOnlyField<infer T>
      ? F extends { nullable: true }
        ? T | null
        : T
      : F extends WritableField<infer T>
        ? F extends { default: null }
          ? T | null
          : T
        : never;

/** The writable part of a field map (read-only fields and groups dropped, other groups kept). */
export type WritableOf<M extends FieldMap> = {
  [K in keyof M as M[K] extends ReadOnlyField<unknown> | { readOnly: true } ? never : K]: ValueOf<M[K]>;
};

// --- constructors -----------------------------------------------------------------------------

function readOnly<T>(graphql: ReadOnlyField<T>['graphql'], resource: z.ZodType, description: string, shown: boolean) {
  return { kind: 'readOnly', graphql, resource, description, public: shown } as ReadOnlyField<T>;
}

function text<D extends string | null | undefined = undefined>(options: {
  description: string;
  rule: string;
  input: z.ZodType<string>;
  resource?: z.ZodType;
  default?: D;
  public: boolean;
}): WritableField<string> & { default: D } {
  return { kind: 'text', resource: z.string(), ...options } as WritableField<string> & { default: D };
}

function flag(options: { description: string; default: boolean; public: boolean }): WritableField<boolean> & {
  default: boolean;
} {
  return { kind: 'flag', input: z.boolean(expected('true or false')), resource: z.boolean(), ...options };
}

function choice<const V extends string>(options: {
  description: string;
  enumName: string;
  enumDescription: string;
  values: Record<V, ChoiceValue>;
  default: NoInfer<V>;
  public: boolean;
}): WritableField<V> & { default: V } {
  const names = Object.keys(options.values) as [V, ...V[]];
  return {
    kind: 'choice',
    description: options.description,
    public: options.public,
    input: z.enum(names, { error: `must be one of: ${names.join(', ')}` }) as unknown as z.ZodType<V>,
    resource: z.enum(names),
    default: options.default,
    choice: { enumName: options.enumName, enumDescription: options.enumDescription, values: options.values },
  };
}

function group<M extends FieldMap>(typeName: string, description: string, isPublic: boolean, fields: M): FieldGroup<M> {
  return { kind: 'group', typeName, description, public: isPublic, fields };
}

/** A group the server sets, null when there is nothing to show. */
function readOnlyGroup<M extends FieldMap>(
  typeName: string,
  description: string,
  fields: M,
): FieldGroup<M> & { readOnly: true; nullable: true } {
  return { kind: 'group', typeName, description, public: false, fields, readOnly: true, nullable: true };
}

/** A value the server sets, which may be null. */
function readOnlyNullable<T>(graphql: 'DateTime' | 'String', resource: z.ZodType, description: string) {
  return { ...readOnly<T>(graphql, resource, description, false), nullable: true } as ReadOnlyField<T> & {
    nullable: true;
  };
}

/** One of a set of values, set by the server. */
function readOnlyChoice<const V extends string>(description: string, choice: ChoiceOf<V>): ReadOnlyField<V> {
  const names = Object.keys(choice.values) as [V, ...V[]];
  return { kind: 'readOnly', graphql: 'Enum', resource: z.enum(names), description, public: false, choice };
}

// --- rules ------------------------------------------------------------------------------------

export const DEFAULT_PORTAL_HOST = 'portal.secure-payments.app';
/** The DNS name under a custom domain where its owner publishes the verification TXT record. */
export const DOMAIN_RECORD_PREFIX = '_billing-portal-verification';

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
export function expected(what: string) {
  return {
    error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${what}`),
  };
}

const string = () => z.string(expected('a string'));

const lengthOf = (min: number, max: number) =>
  string()
    .min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters long`)
    .max(max, `must be at most ${max} characters long`);

const urlSafe = (min: number, max: number) => lengthOf(min, max).regex(URL_SAFE, `may contain only ${URL_SAFE_RULE}`);

/** The id a client chooses on PUT (and that every id lookup checks before touching the database). */
export const portalIdSchema = urlSafe(ID_RULE.min, ID_RULE.max);

const color = (description: string, fallback: string) =>
  text({
    description,
    rule: '6 hexadecimal digits without "#", stored lower-case.',
    input: string()
      .regex(HEX_COLOR, 'must be 6 hexadecimal digits without "#", e.g. "0044d4"')
      .transform((c) => c.toLowerCase()),
    resource: z.string().regex(/^[0-9a-f]{6}$/),
    default: fallback,
    public: true,
  });

const link = (description: string) =>
  text({
    description,
    rule: `An absolute http or https URL of at most ${MAX_LINK_LENGTH} characters.`,
    input: string()
      .max(MAX_LINK_LENGTH, `must be at most ${MAX_LINK_LENGTH} characters long`)
      .refine(isHttpUrl, 'must be an absolute http or https URL'),
    resource: z.url(),
    default: null,
    public: true,
  });

const feature = (description: string) => flag({ description, default: true, public: true });

const dateTime = (description: string) =>
  readOnly<Date>('DateTime', z.iso.datetime({ precision: 3 }), description, false);

// --- the billing portal -----------------------------------------------------------------------

export const PORTAL_FIELDS = {
  id: readOnly<string>(
    'ID',
    z.string(),
    'ID of the billing portal: 1–50 of letters, digits and @ ~ - . _ (server-made ids start with `bill_prt_`).',
    true,
  ),
  websiteId: text({
    description: 'ID of the website: where the organization obtains a customer.',
    rule: '1–50 characters, not starting or ending with white space.',
    // (an empty id is min's to report, once)
    input: lengthOf(1, 50).regex(/^(?:\S(?:.*\S)?)?$/s, 'must not be blank or start or end with white space'),
    public: true,
  }),
  slug: text({
    description:
      'Path segment appended to the portal URL to make it human-readable ' +
      '(https://example.com/billing-portal/{slug}); unique (case-insensitively) within the organization.',
    rule: `5–100 of ${URL_SAFE_RULE}.`,
    input: urlSafe(5, 100),
    public: true,
  }),
  name: text({
    description: 'Billing portal name, for internal use only; never displayed to customers.',
    rule: '1–255 characters after trimming.',
    input: string().trim().min(1, 'must not be blank').max(255, 'must be at most 255 characters long'),
    public: false,
  }),
  customDomain: text({
    description: `Custom domain of the billing portal (stored lower-case); null serves it on ${DEFAULT_PORTAL_HOST}.`,
    rule: 'A host name such as "billing.example.com", at most 255 characters.',
    input: string()
      .max(255, 'must be at most 255 characters long')
      .transform((d) => d.toLowerCase())
      .refine(isHostName, 'must be a host name such as "billing.example.com"')
      .refine(
        (host) => !isPlatformHost(host),
        `must not be ${DEFAULT_PORTAL_HOST}, the default host (send null for it)`,
      ),
    default: null,
    public: false,
  }),
  customDomainVerification: readOnlyGroup(
    'CustomDomainVerification',
    "Proof that the organization controls customDomain: the DNS record to publish and the last check's outcome; " +
      'null without a custom domain. The storefront serves the portal on its custom domain only once verified.',
    {
      status: readOnlyChoice('Where the verification stands.', {
        enumName: 'CustomDomainVerificationStatus',
        enumDescription: "Where a custom domain's verification stands.",
        values: {
          pending: { graphql: 'PENDING', description: 'Not checked yet: publish the record, then ask for a check.' },
          verified: {
            graphql: 'VERIFIED',
            description: 'The record was found: the domain is served for this organization.',
          },
          failed: { graphql: 'FAILED', description: 'The last check did not find the record (see failureReason).' },
        },
      }),
      recordType: readOnly<'TXT'>('String', z.literal('TXT'), 'The type of DNS record to publish: TXT.', false),
      recordName: readOnly<string>(
        'String',
        z.string(),
        `Where to publish the record: ${DOMAIN_RECORD_PREFIX}.{customDomain}.`,
        false,
      ),
      recordValue: readOnly<string>(
        'String',
        z.string(),
        "The record's value: a random token for this organization's claim on this domain; claiming the domain " +
          'again after releasing it makes a new one.',
        false,
      ),
      checkedTime: readOnlyNullable<Date>(
        'DateTime',
        z.iso.datetime({ precision: 3 }),
        'When the record was last checked; null before the first check.',
      ),
      failureReason: readOnlyNullable<string>(
        'String',
        z.string(),
        'Why the last check failed; null unless status is failed.',
      ),
    },
  ),
  status: choice({
    description: "Whether the portal is served: an inactive portal's public URL answers 404.",
    enumName: 'BillingPortalStatus',
    enumDescription: "Whether the portal is served. An inactive portal's public URL answers 404.",
    values: {
      active: { graphql: 'ACTIVE', description: 'The portal is served at its URL.' },
      inactive: { graphql: 'INACTIVE', description: "The portal's URL answers 404." },
    },
    default: 'active',
    public: false,
  }),
  features: group('BillingPortalFeatures', 'Features that can be enabled for the billing portal.', true, {
    authenticateWithPassword: feature('Whether a customer can authenticate with a password.'),
    orderCancel: feature('Whether a customer can cancel an order.'),
    orderAddressEdit: feature('Whether a customer can change an order address.'),
    paymentInstrumentAdd: feature('Whether a customer can add a new payment instrument.'),
    paymentInstrumentUpdate: feature('Whether a customer can update their payment instruments.'),
    paymentInstrumentDeactivate: feature('Whether a customer can disable their payment instruments.'),
  }),
  customization: group('BillingPortalCustomization', 'Visual customization options for the billing portal.', true, {
    logoId: text({
      description: 'File ID of the billing portal logo.',
      rule: '1–50 characters.',
      input: lengthOf(1, 50),
      default: null,
      public: true,
    }),
    colors: group('BillingPortalColors', 'Colours used in the billing portal.', true, {
      primary: color('Primary colour.', '0044d4'),
      secondary: color('Secondary colour.', 'ffffff'),
    }),
    links: group('BillingPortalLinks', 'URLs displayed in the billing portal.', true, {
      termsOfService: link('Website terms of service URL.'),
      privacyPolicy: link('Website privacy policy URL.'),
      refundPolicy: link('Website refund policy URL.'),
    }),
  }),
  createdTime: dateTime('When the portal was created; set once.'),
  updatedTime: dateTime('When the portal was last written.'),
  revision: readOnly<string>(
    'String',
    z.string(),
    'Opaque version of the portal, new on every write. REST sends it as the ETag (in quotes); send it back in ' +
      'If-Match (REST) or as ifRevision (GraphQL) to write only if nobody has written the portal since.',
    false,
  ),
} satisfies FieldMap;

export type PortalFieldMap = typeof PORTAL_FIELDS;

/** The writable part of a portal, every field present, defaults filled in. */
export type PortalFields = WritableOf<PortalFieldMap>;

/** A stored portal as the domain sees it. */
export type Portal = ValueOf<FieldGroup<PortalFieldMap>> & { organizationId: string };

export type PortalStatus = PortalFields['status'];

/** A portal as its document holds it: its custom domain's verification is its organization's claim's. */
export type StoredPortal = Omit<Portal, 'customDomainVerification'>;

/** A custom domain's verification as a portal shows it. */
export type DomainVerification = NonNullable<Portal['customDomainVerification']>;
export type DomainVerificationStatus = DomainVerification['status'];

/** Set by the server only: a read-only value, or a group of them. */
export function isReadOnly(field: Field): boolean {
  return field.kind === 'readOnly' || (field.kind === 'group' && field.readOnly === true);
}

/** Written by clients: a writable value, or a group that holds some. */
export function isWritable(field: Field): field is WritableField<unknown> | FieldGroup {
  return !isReadOnly(field);
}

/** Whether a field may be null where clients read it. */
export function isNullable(field: Field): boolean {
  if (field.kind === 'group' || field.kind === 'readOnly') return field.nullable === true;
  return field.default === null;
}

/** The names of the read-only top-level fields (REST bodies may carry them; they are ignored). */
export const READ_ONLY_FIELD_NAMES = Object.entries(PORTAL_FIELDS)
  .filter(([, field]) => isReadOnly(field))
  .map(([name]) => name);

/** Walks a field map depth-first, in declaration order. */
export function* eachField(fields: FieldMap, path: string[] = []): Generator<{ path: string[]; field: Field }> {
  for (const [name, field] of Object.entries(fields)) {
    yield { path: [...path, name], field };
    if (field.kind === 'group') yield* eachField(field.fields, [...path, name]);
  }
}

/** A group is required when any field inside it is. */
export function isRequired(field: Field): boolean {
  if (!isWritable(field)) return false;
  if (field.kind === 'group') return Object.values(field.fields).some(isRequired);
  return field.default === undefined;
}

/** How a default reads in documentation; an enum value is spelled as the door spells it. */
function showDefault(field: WritableField<unknown>, door: 'graphql' | 'rest'): string {
  const value = field.default;
  if (field.choice && typeof value === 'string' && door === 'graphql') return field.choice.values[value].graphql;
  return typeof value === 'string' ? `"${value}"` : String(value);
}

/** A writable field's documentation where clients write it: what it is, its rule, its default. */
export function inputDescription(field: WritableField<unknown> | FieldGroup, door: 'graphql' | 'rest'): string {
  if (field.kind === 'group') return `${field.description} Anything omitted or null takes its default.`;
  const parts = [field.description];
  if (field.rule) parts.push(field.rule);
  parts.push(field.default === undefined ? 'Required.' : `Default ${showDefault(field, door)}.`);
  return parts.join(' ');
}

export const PORTAL_STATUSES = Object.keys(PORTAL_FIELDS.status.choice!.values) as PortalStatus[];

/** A field's documentation where clients read it: what it is and, for a writable value, its default. */
export function outputDescription(field: Field, door: 'graphql' | 'rest'): string {
  if (field.kind !== 'text' && field.kind !== 'flag' && field.kind !== 'choice') return field.description;
  return field.default === undefined ? field.description : `${field.description} Default ${showDefault(field, door)}.`;
}

/** Every field of a map as a GraphQL selection set, nested groups included (`id websiteId … features { … }`). */
export function selectionOf(fields: FieldMap): string {
  return Object.entries(fields)
    .map(([name, field]) => (field.kind === 'group' ? `${name} { ${selectionOf(field.fields)} }` : name))
    .join(' ');
}
