/** The REST representation of a portal's change-history entries, and the history route's query string. */
import { z } from 'zod';
import { CHANGE_KINDS, type HistoryEntry } from '../portals/history.ts';
import type { InvalidField } from '../portals/errors.ts';
import { LIST_LIMIT } from './list-params.ts';

const fieldValue = z.union([z.string(), z.boolean(), z.null()]);

export const historyEntrySchema = z
  .strictObject({
    portalId: z.string().meta({ description: 'ID of the billing portal.' }),
    revision: z.string().meta({
      description: "The portal's revision after this change (its ETag then); a delete's is a revision of its own.",
    }),
    kind: z.enum(CHANGE_KINDS).meta({ description: 'What the write did to the portal.' }),
    time: z.iso.datetime({ precision: 3 }).meta({ description: 'When the change was made.' }),
    actor: z
      .strictObject({
        organizationId: z.string().meta({ description: 'The organization that made the change.' }),
        apiKeyName: z
          .string()
          .nullable()
          .meta({
            description:
              "The name of the API key that made the change (from API_KEYS, or key- and the start of the key's " +
              'SHA-256 for an unnamed key; never the key); null when the service itself made it.',
          }),
      })
      .meta({ description: 'Who made the change.' }),
    changes: z
      .array(
        z.strictObject({
          path: z.string().meta({ description: 'Dotted path of the field, e.g. customization.colors.primary.' }),
          before: fieldValue.meta({ description: 'The value before the change (null: none, or no portal).' }),
          after: fieldValue.meta({ description: 'The value after the change (null: none, or no portal).' }),
        }),
      )
      .meta({ description: 'Every field whose value changed, in declaration order; empty when none did.' }),
  })
  .meta({ description: 'One change of a billing portal: a create, an update or a delete.' });

export function toHistoryResource(entry: HistoryEntry): z.input<typeof historyEntrySchema> {
  return { ...entry, time: entry.time.toISOString() };
}

const PARAMETERS = ['limit', 'offset'] as const;
const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
const PAGING = { limit: integer(0, LIST_LIMIT.max), offset: integer(0, 2_147_483_647) };

export type HistoryParameters =
  { ok: true; limit: number; offset: number } | { ok: false; invalidFields: InvalidField[] };

/** `limit` (0–1000, default 100) and `offset` (default 0); any other parameter is refused. */
export function parseHistoryParameters(parameters: Record<string, unknown>): HistoryParameters {
  const invalidFields: InvalidField[] = [];
  const values: { limit: number; offset: number } = { limit: LIST_LIMIT.default, offset: 0 };
  for (const [name, value] of Object.entries(parameters)) {
    if (!(PARAMETERS as readonly string[]).includes(name)) {
      invalidFields.push({ field: name, message: `is not a parameter of the history; use ${PARAMETERS.join(', ')}` });
      continue;
    }
    if (typeof value !== 'string') {
      invalidFields.push({ field: name, message: 'must be given once' });
      continue;
    }
    const parsed = PAGING[name as keyof typeof PAGING].safeParse(value);
    if (parsed.success) values[name as keyof typeof values] = parsed.data;
    else invalidFields.push({ field: name, message: parsed.error.issues[0].message });
  }
  return invalidFields.length > 0 ? { ok: false, invalidFields } : { ok: true, ...values };
}
