/**
 * The billing-portal resource's validation and defaults, derived from the field declarations
 * (fields.ts): the one validation schema that both doors (GraphQL and REST) use. docs/api.md is the
 * contract this implements.
 */
import { z } from 'zod';
import { ValidationError, type InvalidField } from './errors.ts';
import {
  DEFAULT_PORTAL_HOST,
  expected,
  inputDescription,
  isWritable,
  isRequired,
  PORTAL_FIELDS,
  portalIdSchema,
  type FieldMap,
  type PortalFields,
} from './fields.ts';

export type { DomainVerification, Portal, PortalFields, PortalStatus, StoredPortal } from './fields.ts';

/** The input schema of a field map: writable fields only, optional ones accepting null ("the default"). */
function inputSchemaOf(fields: FieldMap): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, field] of Object.entries(fields)) {
    if (!isWritable(field)) continue;
    const schema = field.kind === 'group' ? inputSchemaOf(field.fields) : field.input;
    const optional = isRequired(field) ? schema : schema.nullish();
    shape[name] = optional.meta({ description: inputDescription(field, 'rest') });
  }
  return z.strictObject(shape, expected('an object'));
}

/** A validated input with every omitted or null field set to its default. */
function withDefaults(fields: FieldMap, input: Record<string, unknown> | null | undefined): Record<string, unknown> {
  const filled: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields)) {
    if (!isWritable(field)) continue;
    const value = input?.[name] as Record<string, unknown> | null | undefined;
    filled[name] = field.kind === 'group' ? withDefaults(field.fields, value) : (value ?? field.default ?? null);
  }
  return filled;
}

/**
 * The input shape of a billing portal, shared by `BillingPortalInput` (GraphQL) and the REST body
 * (read-only fields removed).
 */
export const portalInputSchema = inputSchemaOf(PORTAL_FIELDS);

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

type Checked =
  { fields: PortalFields; invalidFields?: undefined } | { fields?: undefined; invalidFields: InvalidField[] };

/** Validates a full-replacement input and fills every default. */
function checkPortalInput(input: unknown): Checked {
  const result = portalInputSchema.safeParse(input);
  if (!result.success) return { invalidFields: toInvalidFields(result.error) };
  return { fields: withDefaults(PORTAL_FIELDS, result.data as Record<string, unknown>) as PortalFields };
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
