import { GraphQLError, Kind } from 'graphql';
import { parseTime } from '../../portals/time.ts';
import { builder } from './builder.ts';

function parseDateTime(value: unknown): Date {
  const parsed = typeof value === 'string' ? parseTime(value, false) : undefined;
  if (parsed) return parsed.instant;
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
