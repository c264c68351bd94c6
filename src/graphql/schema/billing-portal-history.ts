/**
 * A portal's change history: `BillingPortal.history` and `billingPortalHistory(id)` (which still answers
 * after the portal is deleted), Relay connections newest first.
 */
import { resolveCursorConnection, type ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { GraphQLError, Kind } from 'graphql';
import { CHANGE_KINDS, type ChangeKind, type FieldValue, type HistoryEntry } from '../../portals/history.ts';
import type { HistoryKeyset } from '../../portals/mongo/history-store.ts';
import type { Portal } from '../../portals/model.ts';
import { BillingPortal } from './billing-portal.ts';
import { checkPageSize, PAGE_SIZE } from './billing-portal-list.ts';
import { builder } from './builder.ts';
import { requireOrganization, type GraphQLContext } from './context.ts';

const FieldValueScalar = builder.scalarType('FieldValue', {
  description: 'A field value in the change history: a string, a boolean, or null. Enum values as REST spells them.',
  serialize: (value) => value as FieldValue,
  parseValue: () => {
    throw new GraphQLError('FieldValue is output only.');
  },
  parseLiteral: (ast) => {
    throw new GraphQLError(`FieldValue is output only (got ${ast.kind === Kind.NULL ? 'null' : ast.kind}).`);
  },
});

/** Shared with the live changes (billing-portal-changes.ts). */
export const ChangeKindEnum = builder.enumType('BillingPortalChangeKind', {
  description: 'What a write did to a billing portal.',
  values: Object.fromEntries(
    CHANGE_KINDS.map((kind) => [kind.toUpperCase(), { value: kind, description: `The portal was ${kind}.` }]),
  ) as Record<Uppercase<ChangeKind>, { value: ChangeKind; description: string }>,
});

const FieldChange = builder.objectRef<HistoryEntry['changes'][number]>('BillingPortalFieldChange').implement({
  description: 'One field whose value a change moved.',
  fields: (t) => ({
    path: t.exposeString('path', { description: 'Dotted path of the field, e.g. customization.colors.primary.' }),
    before: t.field({
      type: FieldValueScalar,
      nullable: true,
      description: 'The value before (null: none, or no portal).',
      resolve: (change) => change.before,
    }),
    after: t.field({
      type: FieldValueScalar,
      nullable: true,
      description: 'The value after (null: none, or no portal).',
      resolve: (change) => change.after,
    }),
  }),
});

const Actor = builder.objectRef<HistoryEntry['actor']>('BillingPortalChangeActor').implement({
  description: 'Who made a change: an organization and one of its API keys, by name (never the key).',
  fields: (t) => ({
    organizationId: t.exposeString('organizationId', { description: 'The organization that made the change.' }),
    apiKeyName: t.exposeString('apiKeyName', {
      nullable: true,
      description:
        "The API key's name (from API_KEYS, or key- and the start of the key's SHA-256 for an unnamed key); null " +
        'when the service itself made the change.',
    }),
  }),
});

export const HistoryEntryType = builder.objectRef<HistoryEntry>('BillingPortalHistoryEntry').implement({
  description: 'One change of a billing portal: a create, an update, a delete or a custom-domain check.',
  fields: (t) => ({
    portalId: t.exposeID('portalId', { description: 'ID of the billing portal.' }),
    revision: t.exposeString('revision', {
      description: "The portal's revision after the change; a delete's is a revision of its own.",
    }),
    kind: t.field({ type: ChangeKindEnum, description: 'What the change did.', resolve: (entry) => entry.kind }),
    time: t.field({ type: 'DateTime', description: 'When the change was made.', resolve: (entry) => entry.time }),
    actor: t.field({ type: Actor, description: 'Who made the change.', resolve: (entry) => entry.actor }),
    changes: t.field({
      type: [FieldChange],
      description: 'Every field whose value changed, in declaration order; empty when none did.',
      resolve: (entry) => entry.changes,
    }),
  }),
});

const HistoryConnection = builder.connectionObject(
  {
    type: HistoryEntryType,
    name: 'BillingPortalHistoryConnection',
    description: "A page of a billing portal's change history, newest first.",
    edgesField: { description: 'The entries of this page, each with its cursor.' },
    fields: (c) => ({
      totalCount: c.int({
        description: 'How many entries the history holds.',
        resolve: (connection) => connection.totalCount(),
      }),
    }),
  },
  {
    name: 'BillingPortalHistoryEdge',
    description: 'A history entry and its cursor.',
    nodeField: { description: 'The entry.' },
  },
);

function encodeCursor(entry: HistoryKeyset): string {
  return Buffer.from(JSON.stringify(['history', entry.sequence, entry.revision])).toString('base64url');
}

function decodeCursor(cursor: string, argument: string): HistoryKeyset {
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    payload = undefined;
  }
  if (
    Array.isArray(payload) &&
    payload.length === 3 &&
    payload[0] === 'history' &&
    Number.isSafeInteger(payload[1]) &&
    typeof payload[2] === 'string'
  ) {
    return { sequence: payload[1] as number, revision: payload[2] as string };
  }
  throw new GraphQLError(`Argument "${argument}" is not a cursor of this history.`, {
    extensions: { code: 'BAD_USER_INPUT', argumentName: argument },
  });
}

type ConnectionArgs = Parameters<typeof resolveCursorConnection>[0]['args'];

/** The connection over a portal's history (its outboxes already copied: openHistory). */
async function historyConnection(context: GraphQLContext, organizationId: string, id: string, args: ConnectionArgs) {
  checkPageSize(args);
  const connection = await resolveCursorConnection(
    { args, defaultSize: PAGE_SIZE.default, maxSize: PAGE_SIZE.max, toCursor: encodeCursor },
    ({ before, after, limit, inverted }: ResolveCursorConnectionArgs) =>
      context.portals.historyByKeyset(organizationId, id, {
        after: after === undefined ? undefined : decodeCursor(after, 'after'),
        before: before === undefined ? undefined : decodeCursor(before, 'before'),
        limit,
        reverse: inverted,
      }),
  );
  return { ...connection, totalCount: () => context.portals.historyCount(organizationId, id) };
}

const PAGES =
  `Pages hold ${PAGE_SIZE.default} entries unless \`first\` or \`last\` says otherwise (at most ${PAGE_SIZE.max}); ` +
  `entries expire after HISTORY_RETENTION_DAYS.`;

builder.objectField(BillingPortal, 'history', (t) =>
  t.connection(
    {
      type: HistoryEntryType,
      description: `Every change of this portal, newest first: who, when and what. ${PAGES}`,
      resolve: async (portal: Portal, args, context) => {
        await context.portals.openHistory(portal.organizationId, portal.id);
        return historyConnection(context, portal.organizationId, portal.id, args);
      },
    },
    HistoryConnection,
  ),
);

builder.queryField('billingPortalHistory', (t) =>
  t.connection(
    {
      type: HistoryEntryType,
      nullable: true,
      description:
        'The change history of the billing portal with this id in your organization, newest first — also after ' +
        `the portal was deleted; null when there is neither the portal nor any history of it. ${PAGES}`,
      args: { id: t.arg.id({ required: true, description: 'ID of the billing portal.' }) },
      resolve: async (_root, args, context) => {
        const organizationId = requireOrganization(context);
        const id = String(args.id);
        if (!(await context.portals.openHistory(organizationId, id))) return null;
        return historyConnection(context, organizationId, id, args);
      },
    },
    HistoryConnection,
  ),
);
