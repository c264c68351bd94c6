/**
 * The REST list's query string → a PortalListQuery plus offset and limit. Every bad parameter is
 * reported (400 with invalidFields); nothing is silently ignored, unknown parameters included.
 *
 *   limit   0–1000, default 100          offset  ≥ 0, default 0
 *   sort    createdTime | updatedTime, comma-separated, "-" for descending; default -createdTime
 *   filter  field:value[,value…][;field:…]   "!" before a value negates it; createdTime and
 *           updatedTime take instants or ranges a..b, a.., ..b (inclusive)
 *   q       case-insensitive partial match on name, slug, customDomain
 */
import { z } from 'zod';
import type { InvalidField } from '../portals/errors.ts';
import {
  DEFAULT_SORT,
  listQueryProblems,
  TEXT_FILTER_FIELDS,
  TIME_FIELDS,
  type PortalListQuery,
  type SortKey,
  type TextCondition,
  type TextFilterField,
  type TimeCondition,
  type TimeField,
  type TimeRange,
} from '../portals/list-query.ts';
import { PORTAL_STATUSES } from '../portals/fields.ts';
import { endOfDay, parseTime } from '../portals/time.ts';

export const LIST_LIMIT = { default: 100, max: 1000 } as const;
const MAX_OFFSET = 2_147_483_647;
const KNOWN_PARAMETERS = ['limit', 'offset', 'sort', 'filter', 'q'] as const;

export interface ListRequest {
  query: PortalListQuery;
  offset: number;
  limit: number;
}

export type ListParseResult = { ok: true; value: ListRequest } | { ok: false; invalidFields: InvalidField[] };

const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const limitSchema = integer(0, LIST_LIMIT.max);
const offsetSchema = integer(0, MAX_OFFSET);

class ParameterError extends Error {}

function parseSort(text: string): SortKey[] {
  const keys = text.split(',').map((part) => {
    const descending = part.startsWith('-');
    const field = descending ? part.slice(1) : part;
    if (!(TIME_FIELDS as readonly string[]).includes(field)) {
      throw new ParameterError(`"${part}" is not a sort key; use ${TIME_FIELDS.join(' or ')}, with "-" for descending`);
    }
    return { field: field as TimeField, direction: descending ? -1 : 1 } satisfies SortKey;
  });
  if (new Set(keys.map((k) => k.field)).size !== keys.length) throw new ParameterError('names a field twice');
  return keys;
}

const DATE_TIME_EXAMPLE = 'a date-time such as 2026-11-25T12:00:00Z or a date such as 2026-11-25';

/** An instant, or a bare date standing for its whole UTC day. */
function parseTimeValue(text: string): TimeRange {
  const parsed = parseTime(text, true);
  if (!parsed) throw new ParameterError(`"${text}" is not ${DATE_TIME_EXAMPLE}`);
  return { from: parsed.instant, to: parsed.dateOnly ? endOfDay(parsed.instant) : parsed.instant };
}

/** `a`, `a..b`, `a..` or `..b`, inclusive; a bare date covers its whole day at either end. */
function parseRange(text: string): TimeRange {
  const separator = text.indexOf('..');
  if (separator < 0) return parseTimeValue(text);
  const from = text.slice(0, separator);
  const to = text.slice(separator + 2);
  if (!from && !to) throw new ParameterError('".." needs at least one end');
  return { from: from ? parseTimeValue(from).from : undefined, to: to ? parseTimeValue(to).to : undefined };
}

function parseCondition(clause: string): TextCondition | TimeCondition {
  const colon = clause.indexOf(':');
  const field = colon < 0 ? clause : clause.slice(0, colon);
  const isText = (TEXT_FILTER_FIELDS as readonly string[]).includes(field);
  const isTime = (TIME_FIELDS as readonly string[]).includes(field);
  if (!isText && !isTime) {
    throw new ParameterError(
      `"${field}" cannot be filtered on; use ${[...TEXT_FILTER_FIELDS, ...TIME_FIELDS].join(', ')}`,
    );
  }
  const values = colon < 0 ? [''] : clause.slice(colon + 1).split(',');
  const positive: string[] = [];
  const negative: string[] = [];
  for (const raw of values) {
    const negated = raw.startsWith('!');
    const value = negated ? raw.slice(1) : raw;
    if (value === '') throw new ParameterError(`"${clause}" has an empty value`);
    if (field === 'status' && !(PORTAL_STATUSES as readonly string[]).includes(value.toLowerCase())) {
      throw new ParameterError(`"${value}" is not a status; use ${PORTAL_STATUSES.join(' or ')}`);
    }
    (negated ? negative : positive).push(value);
  }
  if (isTime) {
    return {
      field: field as TimeField,
      within: positive.map(parseRange),
      outside: negative.map(parseRange),
    };
  }
  return { field: field as TextFilterField, anyOf: positive.length > 0 ? positive : undefined, noneOf: negative };
}

function parseFilter(text: string): Array<TextCondition | TimeCondition> {
  return text.split(';').map(parseCondition);
}

export function parseListParameters(parameters: Record<string, unknown>): ListParseResult {
  const invalidFields: InvalidField[] = [];
  const single = (name: string): string | undefined => {
    const value = parameters[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      invalidFields.push({ field: name, message: 'must be given once' });
      return undefined;
    }
    return value;
  };
  const parse = <T>(name: string, text: string | undefined, parser: (text: string) => T, fallback: T): T => {
    if (text === undefined) return fallback;
    try {
      return parser(text);
    } catch (error) {
      if (!(error instanceof ParameterError)) throw error;
      invalidFields.push({ field: name, message: error.message });
      return fallback;
    }
  };
  const zodParser = (schema: z.ZodType<number, string>) => (text: string) => {
    const result = schema.safeParse(text);
    if (!result.success) throw new ParameterError(result.error.issues[0].message);
    return result.data;
  };

  for (const name of Object.keys(parameters)) {
    if (!(KNOWN_PARAMETERS as readonly string[]).includes(name)) {
      invalidFields.push({
        field: name,
        message: `is not a parameter of this list; use ${KNOWN_PARAMETERS.join(', ')}`,
      });
    }
  }
  const limit = parse('limit', single('limit'), zodParser(limitSchema), LIST_LIMIT.default);
  const offset = parse('offset', single('offset'), zodParser(offsetSchema), 0);
  const sort = parse('sort', single('sort'), parseSort, DEFAULT_SORT);
  const conditions = parse('filter', single('filter'), parseFilter, []);
  const search = parse('q', single('q'), (text) => text.trim() || undefined, undefined);
  const query: PortalListQuery = { conditions, search, sort };
  for (const problem of listQueryProblems(query)) {
    invalidFields.push({ field: problem.part === 'search' ? 'q' : 'filter', message: problem.message });
  }
  if (invalidFields.length > 0) return { ok: false, invalidFields };
  return { ok: true, value: { query, offset, limit } };
}
