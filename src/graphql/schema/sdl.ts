import { lexicographicSortSchema, printSchema } from 'graphql';
import { schema } from './index.ts';

/** The SDL committed as schema.graphql: sorted, so that it changes only when the schema does. */
export function printSchemaSDL(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
