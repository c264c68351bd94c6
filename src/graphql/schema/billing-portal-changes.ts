/** The `billingPortalChanged` subscription: live changes of the caller's portals, over SSE. */
import { GraphQLError } from 'graphql';
import { ChangeFeedError, type FeedItem, type PortalChange } from '../../portals/mongo/change-feed.ts';
import { builder } from './builder.ts';
import { BillingPortal } from './billing-portal.ts';
import { ChangeKindEnum, HistoryEntryType } from './billing-portal-history.ts';
import { requireOrganization, type GraphQLContext } from './context.ts';

const BillingPortalChange = builder.objectRef<PortalChange>('BillingPortalChange').implement({
  description:
    'One change of a billing portal, as it happened: what the write did, its change history entry (who ' +
    'changed what) and the portal after it.',
  fields: (t) => ({
    eventId: t.string({
      description:
        'Identifies this change in the stream (it is also the SSE event id). Send it as `after` (or the ' +
        'Last-Event-ID header) when subscribing again to receive the changes that followed.',
      resolve: (change) => change.eventId,
    }),
    kind: t.field({ type: ChangeKindEnum, description: 'What the write did.', resolve: (change) => change.kind }),
    portalId: t.id({ description: 'ID of the billing portal that changed.', resolve: (change) => change.portalId }),
    revision: t.string({
      nullable: true,
      description: "The portal's revision after the change (its ETag's value); null after a delete.",
      resolve: (change) => change.revision,
    }),
    occurredTime: t.field({
      type: 'DateTime',
      description: 'When the write was committed.',
      resolve: (change) => change.occurredTime,
    }),
    portal: t.field({
      type: BillingPortal,
      nullable: true,
      description: 'The portal right after the change; null after a delete.',
      resolve: (change, _args, context) => change.portal && context.portals.present(change.portal),
    }),
    entry: t.field({
      type: HistoryEntryType,
      nullable: true,
      description:
        "The change's history entry, exactly as the portal's history holds it under this revision (for a " +
        'delete, the revision of the delete); null for a change written to the database past this service.',
      resolve: (change) => change.entry,
    }),
  }),
});

/** A feed failure as the error event a client reads (`extensions.code`). */
function changeFeedError(error: ChangeFeedError): GraphQLError {
  return new GraphQLError(error.message, { extensions: { code: error.code } });
}

builder.subscriptionType({
  description: 'Live updates over Server-Sent Events (send `Accept: text/event-stream`). Every field needs an API key.',
});

builder.subscriptionFields((t) => ({
  billingPortalChanged: t.field({
    type: BillingPortalChange,
    description:
      'Each change of your billing portals (or of the one with `id`) from now on, as it happens. With `after` ' +
      '(or the Last-Event-ID header) the changes after that event come first, in order, while they are ' +
      'kept. The stream ends with an error event when it cannot go on (`extensions.code`: ' +
      'SERVICE_UNAVAILABLE, SHUTTING_DOWN, SLOW_CONSUMER, EVENT_HISTORY_LOST): subscribe again with the last ' +
      '`eventId` received.',
    args: {
      id: t.arg.id({ required: false, description: 'Only the changes of the billing portal with this ID.' }),
      after: t.arg.string({
        required: false,
        description: 'The `eventId` of the last change received: the changes after it come first.',
      }),
    },
    subscribe: async (_root, args, context: GraphQLContext) => {
      const organizationId = requireOrganization(context);
      if (!context.changes) throw changeFeedError(new ChangeFeedError('CHANGE_STREAMS_UNSUPPORTED'));
      const after = args.after ?? context.lastEventId;
      try {
        const scope = { organizationId, ...(args.id == null ? {} : { portalId: String(args.id) }) };
        return await context.changes.subscribe(scope, after ?? undefined);
      } catch (error) {
        if (error instanceof ChangeFeedError) throw changeFeedError(error);
        throw error;
      }
    },
    resolve: (item: FeedItem, _args, context: GraphQLContext) => {
      if (item instanceof ChangeFeedError) throw changeFeedError(item);
      if (context.delivery) context.delivery.eventId = item.eventId;
      return item;
    },
  }),
}));
