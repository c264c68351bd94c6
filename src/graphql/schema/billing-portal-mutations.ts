/** Writes of billing portals. Expected failures are union members (data), never top-level errors. */
import { ConflictError, NotFoundError, ValidationError } from '../../portals/errors.ts';
import type { Portal } from '../../portals/model.ts';
import { BillingPortal } from './billing-portal.ts';
import { BillingPortalInput } from './billing-portal-input.ts';
import { builder } from './builder.ts';
import { requireOrganization } from './context.ts';

const UpsertBillingPortalSuccess = builder
  .objectRef<{ portal: Portal; created: boolean }>('UpsertBillingPortalSuccess')
  .implement({
    description: 'The portal as stored after the upsert.',
    fields: (t) => ({
      billingPortal: t.expose('portal', { type: BillingPortal, description: 'The stored billing portal.' }),
      created: t.exposeBoolean('created', { description: 'True when this call created the portal, false when it replaced one.' }),
    }),
  });

const CreateBillingPortalSuccess = builder.objectRef<{ portal: Portal }>('CreateBillingPortalSuccess').implement({
  description: 'The newly created portal.',
  fields: (t) => ({
    billingPortal: t.expose('portal', { type: BillingPortal, description: 'The stored billing portal, with its server-made id.' }),
  }),
});

const DeleteBillingPortalSuccess = builder.objectRef<{ id: string }>('DeleteBillingPortalSuccess').implement({
  description: 'The portal was deleted.',
  fields: (t) => ({ deletedId: t.exposeID('id', { description: 'ID of the deleted billing portal.' }) }),
});

builder.mutationFields((t) => ({
  upsertBillingPortal: t.field({
    type: UpsertBillingPortalSuccess,
    description:
      'Creates or fully replaces the billing portal with this id (PUT semantics): omitted optional fields return to ' +
      'their defaults, createdTime survives, updatedTime and revision move. With ifRevision or ifExists, the write ' +
      'happens only if the portal is in that state, checked and written in one step; otherwise ConflictError.',
    args: {
      id: t.arg.id({ required: true, description: 'ID of the billing portal: 1–50 of letters, digits and @ ~ - . _.' }),
      input: t.arg({ type: BillingPortalInput, required: true, description: 'The whole billing portal.' }),
      ifRevision: t.arg.string({
        description: 'Write only if the portal exists at this revision (as read from its revision field).',
      }),
      ifExists: t.arg.boolean({
        description: 'true: write only if the portal exists (never create); false: only create, never replace.',
      }),
    },
    errors: {
      types: [ValidationError, ConflictError],
      directResult: true,
      union: { name: 'UpsertBillingPortalResult', description: 'The stored portal, or why nothing was stored.' },
    },
    resolve: (_root, { id, input, ifRevision, ifExists }, context) =>
      context.portals.upsert(requireOrganization(context), String(id), input, {
        revision: ifRevision ?? undefined,
        exists: ifExists ?? undefined,
      }),
  }),
  createBillingPortal: t.field({
    type: CreateBillingPortalSuccess,
    description: 'Creates a billing portal under a server-made id (`bill_prt_` + a ULID).',
    args: { input: t.arg({ type: BillingPortalInput, required: true, description: 'The whole billing portal.' }) },
    errors: { types: [ValidationError], directResult: true, union: { name: 'CreateBillingPortalResult', description: 'The created portal, or why nothing was created.' } },
    resolve: async (_root, { input }, context) => ({
      portal: await context.portals.create(requireOrganization(context), input),
    }),
  }),
  deleteBillingPortal: t.field({
    type: DeleteBillingPortalSuccess,
    description:
      'Deletes the billing portal with this id; with ifRevision, only if it is still at that revision (checked and ' +
      'deleted in one step; otherwise ConflictError).',
    args: {
      id: t.arg.id({ required: true, description: 'ID of the billing portal.' }),
      ifRevision: t.arg.string({ description: 'Delete only if the portal is at this revision.' }),
    },
    errors: {
      types: [NotFoundError, ConflictError],
      directResult: true,
      union: { name: 'DeleteBillingPortalResult', description: 'The deleted id, or why nothing was deleted.' },
    },
    resolve: async (_root, { id, ifRevision }, context) => {
      await context.portals.delete(requireOrganization(context), String(id), { revision: ifRevision ?? undefined });
      return { id: String(id) };
    },
  }),
}));
