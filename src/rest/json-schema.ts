import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

/** A zod schema as JSON Schema (2020-12), without the `$schema` line: for OpenAPI and for Fastify. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    unrepresentable: 'any',
    override: ({ jsonSchema }) => {
      // zod spells out its date-time rule as a long regex beside the format; the format says it.
      if (jsonSchema.format === 'date-time') delete jsonSchema.pattern;
    },
  });
  return rest;
}

/**
 * The same schema for Fastify's serializer: "X or null" spelled as a type list (`type: [X, 'null']`)
 * instead of `anyOf`. fast-json-stringify picks an `anyOf` branch by validating the value with ajv on
 * every response (URL formats included); a type list it resolves by the value's type. The output is
 * the same (test/rest-serialization.test.ts); OpenAPI keeps the `anyOf` spelling.
 */
export function forSerialization(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' && value && typeof value === 'object') {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, JsonSchema>).map(([name, property]) => [
          name,
          forSerialization(property),
        ]),
      );
    } else if (key === 'items' && value && typeof value === 'object' && !Array.isArray(value)) {
      out.items = forSerialization(value as JsonSchema);
    } else out[key] = value;
  }
  const branches = out.anyOf as JsonSchema[] | undefined;
  if (branches?.length !== 2) return out;
  const other = branches.find((branch) => branch.type !== 'null');
  if (!other || !branches.some((branch) => branch.type === 'null') || typeof other.type !== 'string') return out;
  const { anyOf: _replaced, ...rest } = out;
  return { ...forSerialization(other), ...rest, type: [other.type, 'null'] };
}
