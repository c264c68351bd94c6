/** `billingPortals`: a Relay cursor connection with a filter, an order, a text query and totalCount. */
import { resolveCursorConnection, type ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { GraphQLError } from 'graphql';
import {
  DEFAULT_SORT,
  listQueryProblems,
  type PortalListQuery,
  type SortKey,
  type TextCondition,
  type TimeCondition,
  type TimeField,
} from '../../portals/list-query.ts';
import type { Portal, PortalStatus } from '../../portals/model.ts';
import { BillingPortal, BillingPortalStatus } from './billing-portal.ts';
import { builder } from './builder.ts';
import { requireOrganization } from './context.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

export const PAGE_SIZE = { default: 20, max: 100 } as const;

const StringFilter = builder.inputType('StringFilter', {
  description: 'Exact, case-insensitive matching of a string field.',
  fields: (t) => ({
    in: t.stringList({ description: 'Matches when the value is one of these.' }),
    notIn: t.stringList({ description: 'Matches when the value is none of these.' }),
  }),
});

const DateTimeFilter = builder.inputType('DateTimeFilter', {
  description: 'An inclusive range of times; either end may be left open.',
  fields: (t) => ({
    from: t.field({ type: 'DateTime', description: 'Earliest time (inclusive).' }),
    to: t.field({ type: 'DateTime', description: 'Latest time (inclusive).' }),
  }),
});

const BillingPortalFilter = builder.inputType('BillingPortalFilter', {
  description: 'Conditions a portal must all meet to be listed.',
  fields: (t) => ({
    websiteId: t.field({ type: StringFilter, description: 'Match on websiteId.' }),
    slug: t.field({ type: StringFilter, description: 'Match on slug.' }),
    customDomain: t.field({ type: StringFilter, description: 'Match on customDomain.' }),
    status: t.field({ type: [BillingPortalStatus], description: 'Match portals having one of these statuses.' }),
    createdTime: t.field({ type: DateTimeFilter, description: 'Match on createdTime.' }),
    updatedTime: t.field({ type: DateTimeFilter, description: 'Match on updatedTime.' }),
  }),
});

const BillingPortalOrderField = builder.enumType('BillingPortalOrderField', {
  description: 'A field portals can be ordered by.',
  values: {
    CREATED_TIME: { value: 'createdTime', description: 'When the portal was created.' },
    UPDATED_TIME: { value: 'updatedTime', description: 'When the portal was last written.' },
  } as const,
});

const OrderDirection = builder.enumType('OrderDirection', {
  description: 'Ascending or descending.',
  values: {
    ASC: { value: 1, description: 'Oldest first.' },
    DESC: { value: -1, description: 'Newest first.' },
  } as const,
});

const BillingPortalOrder = builder.inputType('BillingPortalOrder', {
  description: 'One sort key. Ties are broken by id, in the direction of the last key.',
  fields: (t) => ({
    field: t.field({ type: BillingPortalOrderField, required: true, description: 'The field to sort by.' }),
    direction: t.field({ type: OrderDirection, required: true, description: 'The direction.' }),
  }),
});

interface FilterArgument {
  websiteId?: { in?: string[] | null; notIn?: string[] | null } | null;
  slug?: FilterArgument['websiteId'];
  customDomain?: FilterArgument['websiteId'];
  status?: PortalStatus[] | null;
  createdTime?: { from?: Date | null; to?: Date | null } | null;
  updatedTime?: FilterArgument['createdTime'];
}

function toListQuery(
  filter: FilterArgument | null | undefined,
  orderBy: SortKey[] | null | undefined,
  search: string | null | undefined,
): PortalListQuery {
  const conditions: Array<TextCondition | TimeCondition> = [];
  for (const field of ['websiteId', 'slug', 'customDomain'] as const) {
    const f = filter?.[field];
    if (f) conditions.push({ field, anyOf: f.in ?? undefined, noneOf: f.notIn ?? [] });
  }
  if (filter?.status) conditions.push({ field: 'status', anyOf: filter.status, noneOf: [] });
  for (const field of ['createdTime', 'updatedTime'] as const satisfies TimeField[]) {
    const range = filter?.[field];
    if (range)
      conditions.push({ field, within: [{ from: range.from ?? undefined, to: range.to ?? undefined }], outside: [] });
  }
  const sort = orderBy && orderBy.length > 0 ? orderBy : DEFAULT_SORT;
  if (new Set(sort.map((k) => k.field)).size !== sort.length) throw badArgument('orderBy', 'names a field twice');
  const query: PortalListQuery = { conditions, search: search?.trim() || undefined, sort };
  const [problem] = listQueryProblems(query);
  if (problem) throw badArgument(problem.part === 'search' ? 'query' : 'filter', problem.message);
  return query;
}

function badArgument(argument: string, message: string): GraphQLError {
  return new GraphQLError(`Argument "${argument}" ${message}.`, {
    extensions: { code: 'BAD_USER_INPUT', argumentName: argument },
  });
}

/** A page size the client asked for must be one we serve: never silently cut. */
export function checkPageSize(args: { first?: number | null; last?: number | null }): void {
  for (const argument of ['first', 'last'] as const) {
    const size = args[argument];
    if (size !== null && size !== undefined && (size < 0 || size > PAGE_SIZE.max)) {
      throw badArgument(argument, `must be between 0 and ${PAGE_SIZE.max}`);
    }
  }
}

builder.queryFields((t) => ({
  billingPortals: t.connection(
    {
      type: BillingPortal,
      nullable: false,
      description:
        `Your organization's billing portals, newest first unless ordered otherwise. Pages hold ${PAGE_SIZE.default} ` +
        `portals unless \`first\` or \`last\` says otherwise (at most ${PAGE_SIZE.max}).`,
      args: {
        filter: t.arg({ type: BillingPortalFilter, description: 'Conditions every listed portal meets.' }),
        orderBy: t.arg({ type: [BillingPortalOrder], description: 'Sort keys; default createdTime descending.' }),
        query: t.arg.string({ description: 'Case-insensitive partial match on name, slug or customDomain.' }),
      },
      resolve: async (_root, args, context) => {
        const organizationId = requireOrganization(context);
        checkPageSize(args);
        const listQuery = toListQuery(args.filter, args.orderBy, args.query);
        const connection = await resolveCursorConnection(
          {
            args,
            defaultSize: PAGE_SIZE.default,
            maxSize: PAGE_SIZE.max,
            toCursor: (portal: Portal) => encodeCursor(listQuery.sort, portal),
          },
          ({ before, after, limit, inverted }: ResolveCursorConnectionArgs) =>
            context.portals.listByKeyset(organizationId, listQuery, {
              after: after === undefined ? undefined : decodeCursor(listQuery.sort, after, 'after'),
              before: before === undefined ? undefined : decodeCursor(listQuery.sort, before, 'before'),
              limit,
              reverse: inverted,
            }),
        );
        return { ...connection, totalCount: () => context.portals.count(organizationId, listQuery) };
      },
    },
    {
      name: 'BillingPortalConnection',
      description: 'A page of billing portals.',
      fields: (c) => ({
        totalCount: c.int({
          nullable: false,
          description: 'How many portals match the filter and query, on all pages together.',
          resolve: (connection) => connection.totalCount(),
        }),
      }),
    },
    { name: 'BillingPortalEdge', description: 'A billing portal and its cursor.' },
  ),
}));
