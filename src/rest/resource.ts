/**
 * The REST representation of a portal: every field (derived from its declaration, portals/fields.ts),
 * defaults filled in, times as RFC 3339 with milliseconds, and `_links`; and the storefront's public
 * view, the fields declared public.
 */
import { z } from 'zod';
import {
  isNullable,
  outputDescription,
  PORTAL_FIELDS,
  READ_ONLY_FIELD_NAMES,
  type Field,
  type FieldMap,
  type Portal,
  type StoredPortal,
} from '../portals/fields.ts';

const links = z.array(z.strictObject({ rel: z.literal('self'), href: z.url() }));

function resourceSchemaOf(fields: FieldMap, include: (field: Field) => boolean): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, field] of Object.entries(fields)) {
    if (!include(field)) continue;
    const schema = field.kind === 'group' ? resourceSchemaOf(field.fields, include) : field.resource;
    const nullable = isNullable(field) ? schema.nullable() : schema;
    shape[name] = nullable.meta({ description: outputDescription(field, 'rest') });
  }
  return z.strictObject(shape);
}

/** The REST representation; /openapi.json documents it and Fastify serializes bodies by it. */
export const portalResourceSchema = resourceSchemaOf(PORTAL_FIELDS, () => true)
  .extend({ _links: links })
  .meta({ description: 'A billing portal, every field present with its default filled in.' });

/** The storefront's public view of a portal. */
export const publicPortalSchema = resourceSchemaOf(PORTAL_FIELDS, (field) => field.public)
  .extend({ _links: links })
  .meta({ description: 'What the public storefront shows of an active portal.' });

/** Fields a REST body may carry back as they were read, and that are ignored: the read-only ones and `_links`. */
export const READ_ONLY_RESOURCE_FIELDS = [...READ_ONLY_FIELD_NAMES, '_links'];

export type PortalResource = Record<string, unknown> & { id: string; _links: Array<{ rel: 'self'; href: string }> };

/** Each field map's entries, listed once: every response walks them. */
const entriesOf = new WeakMap<FieldMap, Array<[string, Field]>>();
function fieldEntries(fields: FieldMap): Array<[string, Field]> {
  let entries = entriesOf.get(fields);
  if (!entries) entriesOf.set(fields, (entries = Object.entries(fields)));
  return entries;
}

/** A stored portal's fields as REST shows them: the declared ones (or only the public ones), times as text. */
function restFields(fields: FieldMap, value: Record<string, unknown>, include: (field: Field) => boolean) {
  const shown: Record<string, unknown> = {};
  for (const [name, field] of fieldEntries(fields)) {
    if (!include(field)) continue;
    const fieldValue = value[name];
    if (fieldValue === null || fieldValue === undefined) {
      shown[name] = null;
    } else if (field.kind === 'group') {
      shown[name] = restFields(field.fields, fieldValue as Record<string, unknown>, include);
    } else if (field.kind === 'readOnly' && field.graphql === 'DateTime') {
      shown[name] = (fieldValue as Date).toISOString();
    } else {
      shown[name] = fieldValue;
    }
  }
  return shown;
}

export type PortalView = Omit<Portal, 'organizationId'>;

/** The declared fields `include` admits, with the portal's id and its `_links`. */
function representation(
  portal: PortalView | StoredPortal,
  selfHref: string,
  include: (field: Field) => boolean,
): PortalResource {
  return { ...restFields(PORTAL_FIELDS, portal, include), id: portal.id, _links: [{ rel: 'self', href: selfHref }] };
}

export function toResource(portal: PortalView, selfHref: string): PortalResource {
  return representation(portal, selfHref, () => true);
}

/** What the public storefront shows: the public fields only (no name, customDomain, status or times). */
export function toPublicView(portal: StoredPortal, selfHref: string): PortalResource {
  return representation(portal, selfHref, (field) => field.public);
}
