/**
 * What a list of portals can be asked for, independent of the door it came through: the REST
 * `filter`/`sort`/`q` parameters and the GraphQL `filter`/`orderBy`/`query` arguments both become a
 * PortalListQuery, and the store turns that into one MongoDB query.
 */
export const TEXT_FILTER_FIELDS = ['websiteId', 'slug', 'status', 'customDomain'] as const;
export const TIME_FIELDS = ['createdTime', 'updatedTime'] as const;
export type TextFilterField = (typeof TEXT_FILTER_FIELDS)[number];
export type TimeField = (typeof TIME_FIELDS)[number];

/**
 * Matches when the (case-insensitive) value is one of `anyOf` and none of `noneOf`. An absent `anyOf`
 * admits every value; an empty one admits none.
 */
export interface TextCondition {
  field: TextFilterField;
  anyOf?: string[];
  noneOf: string[];
}

/** An inclusive range; either end may be open. */
export interface TimeRange {
  from?: Date;
  to?: Date;
}

/** Matches when the time lies in one of `within` (if given) and in none of `outside`. */
export interface TimeCondition {
  field: TimeField;
  within: TimeRange[];
  outside: TimeRange[];
}

export interface SortKey {
  field: TimeField;
  direction: 1 | -1;
}

export interface PortalListQuery {
  /** All conditions must hold. */
  conditions: Array<TextCondition | TimeCondition>;
  /** Case-insensitive substring of name, slug or customDomain. */
  search?: string;
  /** Sort keys; ties are always broken by id in the direction of the last key. */
  sort: SortKey[];
}

export const DEFAULT_SORT: SortKey[] = [{ field: 'createdTime', direction: -1 }];

export function isTimeCondition(c: TextCondition | TimeCondition): c is TimeCondition {
  return (TIME_FIELDS as readonly string[]).includes(c.field);
}

export const MAX_SEARCH_LENGTH = 255;

/** A rule a list query breaks, whichever door it came through; each door names the part its own way. */
export interface ListQueryProblem {
  part: 'filter' | 'search';
  message: string;
}

/** The rules a list query must meet beyond its syntax, the same at both doors. */
export function listQueryProblems(query: PortalListQuery): ListQueryProblem[] {
  const problems: ListQueryProblem[] = [];
  for (const condition of query.conditions) {
    if (!isTimeCondition(condition)) continue;
    for (const range of [...condition.within, ...condition.outside]) {
      if (range.from && range.to && range.from > range.to) {
        problems.push({ part: 'filter', message: `the ${condition.field} range ends before it starts` });
      }
    }
  }
  if (query.search !== undefined && query.search.length > MAX_SEARCH_LENGTH) {
    problems.push({ part: 'search', message: `must be at most ${MAX_SEARCH_LENGTH} characters long` });
  }
  return problems;
}

/** A position in a sorted list — the sort values and id of one row — that a page starts after or before. */
export interface PortalKeyset {
  values: Date[];
  id: string;
}
