/**
 * A PortalListQuery in MongoDB's terms: the filter (scoped to one organization), the sort with its id
 * tie-breaker, and the keyset condition of a cursor page.
 */
import type { Filter } from 'mongodb';
import {
  isTimeCondition,
  type PortalKeyset,
  type PortalListQuery,
  type SortKey,
  type TextCondition,
  type TimeCondition,
  type TimeRange,
} from '../list-query.ts';
import type { Portal, StoredPortal } from '../model.ts';
import type { OutboxFields } from './history-outbox.ts';

/** What is stored: the portal plus lower-cased copies of the fields that are matched case-insensitively. */
export interface PortalDocument extends Omit<StoredPortal, 'revision'>, OutboxFields {
  lookup: { websiteId: string; slug: string };
  /** Random, new on every write; absent on documents written before revisions existed (revision.ts). */
  revision?: string;
}

const STORED_PATH: Record<TextCondition['field'], string> = {
  websiteId: 'lookup.websiteId',
  slug: 'lookup.slug',
  status: 'status',
  customDomain: 'customDomain',
};

function rangeFilter(field: string, range: TimeRange): Filter<PortalDocument> {
  const bounds: Record<string, Date> = {};
  if (range.from) bounds.$gte = range.from;
  if (range.to) bounds.$lte = range.to;
  return { [field]: Object.keys(bounds).length > 0 ? bounds : { $exists: true } };
}

function timeFilter(condition: TimeCondition): Filter<PortalDocument>[] {
  const clauses: Filter<PortalDocument>[] = [];
  if (condition.within.length > 0) {
    const ranges = condition.within.map((r) => rangeFilter(condition.field, r));
    clauses.push(ranges.length === 1 ? ranges[0] : { $or: ranges });
  }
  if (condition.outside.length > 0)
    clauses.push({ $nor: condition.outside.map((r) => rangeFilter(condition.field, r)) });
  return clauses;
}

/** The MongoDB condition on the stored path for a text condition, or null when it has no values. */
function textMatch(condition: TextCondition): unknown {
  const lower = (values: string[]) => [...new Set(values.map((v) => v.toLowerCase()))];
  if (condition.anyOf?.length === 1 && condition.noneOf.length === 0) return condition.anyOf[0].toLowerCase();
  const match: Record<string, string[]> = {};
  if (condition.anyOf) match.$in = lower(condition.anyOf);
  if (condition.noneOf.length > 0) match.$nin = lower(condition.noneOf);
  return Object.keys(match).length > 0 ? match : null;
}

/** A pattern matching `text` literally. NUL is written as an escape: BSON cannot carry it in a regex. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replaceAll('\0', '\\x00');
}

/**
 * Equality and set conditions sit at the top level beside `organizationId` (where an index prefix is
 * plain to see); ranges, negated ranges, repeated fields and the text search go under `$and`.
 */
export function toMongoFilter(organizationId: string, query: PortalListQuery): Filter<PortalDocument> {
  const filter: Record<string, unknown> = { organizationId };
  const and: Filter<PortalDocument>[] = [];
  for (const condition of query.conditions) {
    if (isTimeCondition(condition)) {
      and.push(...timeFilter(condition));
      continue;
    }
    const path = STORED_PATH[condition.field];
    const match = textMatch(condition);
    if (match === null) continue;
    if (path in filter) and.push({ [path]: match });
    else filter[path] = match;
  }
  if (query.search) {
    const pattern = new RegExp(escapeRegExp(query.search), 'i');
    and.push({ $or: [{ name: pattern }, { slug: pattern }, { customDomain: pattern }] });
  }
  if (and.length > 0) filter.$and = and;
  return filter as Filter<PortalDocument>;
}

/** The query's sort, then id as the tie-breaker in the last key's direction; `flip` reverses all. */
/** A sort document: field → 1 | -1, in order. */
export type MongoSort = Record<string, 1 | -1>;

export function toMongoSort(sort: SortKey[], flip: 1 | -1): MongoSort {
  const spec: Record<string, 1 | -1> = {};
  for (const key of sort) spec[key.field] = (key.direction * flip) as 1 | -1;
  spec.id = ((sort.at(-1)?.direction ?? 1) * flip) as 1 | -1;
  return spec;
}

/**
 * Rows that come strictly after `position` in the sort order (`side` 1) or strictly before it (-1):
 * lexicographic over the sort keys and then id.
 */
export function keysetCondition(sort: SortKey[], position: PortalKeyset, side: 1 | -1): Filter<PortalDocument> {
  const keys = [
    ...sort.map((k) => ({ field: k.field as string, direction: k.direction })),
    {
      field: 'id',
      direction: sort.at(-1)?.direction ?? 1,
    },
  ];
  const values: Array<Date | string> = [...position.values, position.id];
  const alternatives = keys.map((key, i) => {
    const clause: Record<string, unknown> = {};
    for (let j = 0; j < i; j++) clause[keys[j].field] = values[j];
    clause[key.field] = { [key.direction * side > 0 ? '$gt' : '$lt']: values[i] };
    return clause;
  });
  return { $or: alternatives } as Filter<PortalDocument>;
}
