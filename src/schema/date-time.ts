import { GraphQLError, Kind } from 'graphql';
import { builder } from './builder.js';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

function parseDateTime(value: unknown): Date {
  if (typeof value === 'string' && RFC3339.test(value)) {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new GraphQLError('DateTime must be an RFC 3339 date-time such as "2026-11-25T12:00:00.000Z".');
}

builder.scalarType('DateTime', {
  description: 'An RFC 3339 date-time in UTC with milliseconds, e.g. "2026-11-25T12:00:00.000Z".',
  serialize: (value) => value.toISOString(),
  parseValue: parseDateTime,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be a string.');
    return parseDateTime(ast.value);
  },
});
