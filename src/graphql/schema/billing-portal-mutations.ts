/** Writes of billing portals. Expected failures are union members (data), never top-level errors. */
import {
  ConflictError,
  DnsUnavailableError,
  DomainVerificationFailedError,
  IdempotencyKeyInUseError,
  IdempotencyKeyReusedError,
  NotFoundError,
  ValidationError,
} from '../../portals/errors.ts';
import { idempotencyKeyProblem } from '../../portals/idempotency.ts';
import type { Portal } from '../../portals/model.ts';
import { BillingPortal } from './billing-portal.ts';
import { BillingPortalInput } from './billing-portal-input.ts';
import { builder } from './builder.ts';
import { requireOrganization, writerOf } from './context.ts';

const UpsertBillingPortalSuccess = builder
  .objectRef<{ portal: Portal; created: boolean }>('UpsertBillingPortalSuccess')
  .implement({
    description: 'The portal as stored after the upsert.',
    fields: (t) => ({
      billingPortal: t.expose('portal', { type: BillingPortal, description: 'The stored billing portal.' }),
      created: t.exposeBoolean('created', {
        description: 'True when this call created the portal, false when it replaced one.',
      }),
    }),
  });

const CreateBillingPortalSuccess = builder
  .objectRef<{ portal: Portal; replayed: boolean }>('CreateBillingPortalSuccess')
  .implement({
    description: 'The newly created portal.',
    fields: (t) => ({
      billingPortal: t.expose('portal', {
        type: BillingPortal,
        description: 'The stored billing portal, with its server-made id (with a replayed key: as it was created).',
      }),
      replayed: t.exposeBoolean('replayed', {
        description: 'True when the idempotency key had already created this portal: nothing new was created.',
      }),
    }),
  });

const DeleteBillingPortalSuccess = builder.objectRef<{ id: string }>('DeleteBillingPortalSuccess').implement({
  description: 'The portal was deleted.',
  fields: (t) => ({ deletedId: t.exposeID('id', { description: 'ID of the deleted billing portal.' }) }),
});

const VerifyBillingPortalDomainSuccess = builder
  .objectRef<{ portal: Portal }>('VerifyBillingPortalDomainSuccess')
  .implement({
    description: "The portal's custom domain is verified for your organization.",
    fields: (t) => ({
      billingPortal: t.expose('portal', {
        type: BillingPortal,
        description: 'The billing portal, its customDomainVerification now VERIFIED.',
      }),
    }),
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
      context.portals.upsert(
        requireOrganization(context),
        String(id),
        input,
        { revision: ifRevision ?? undefined, exists: ifExists ?? undefined },
        writerOf(context),
      ),
  }),
  createBillingPortal: t.field({
    type: CreateBillingPortalSuccess,
    description:
      'Creates a billing portal under a server-made id (`bill_prt_` + a ULID). With an idempotencyKey, retrying ' +
      'the same request (within 24 hours, through either door) answers the portal the first one created.',
    args: {
      input: t.arg({ type: BillingPortalInput, required: true, description: 'The whole billing portal.' }),
      idempotencyKey: t.arg.string({
        description:
          'Names this request so that it can be retried safely: 1–255 printable ASCII characters, unique per ' +
          'request within your organization, remembered for 24 hours once it has created a portal.',
      }),
    },
    errors: {
      types: [ValidationError, IdempotencyKeyReusedError, IdempotencyKeyInUseError],
      directResult: true,
      union: { name: 'CreateBillingPortalResult', description: 'The created portal, or why nothing was created.' },
    },
    resolve: async (_root, { input, idempotencyKey }, context) => {
      const organizationId = requireOrganization(context);
      if (idempotencyKey !== null && idempotencyKey !== undefined) {
        const problem = idempotencyKeyProblem(idempotencyKey);
        if (problem) throw new ValidationError([{ field: 'idempotencyKey', message: problem }]);
      }
      return context.portals.create(organizationId, input, idempotencyKey ?? undefined, writerOf(context));
    },
  }),
  verifyBillingPortalDomain: t.field({
    type: VerifyBillingPortalDomainSuccess,
    description:
      "Checks DNS for the TXT record that proves your organization controls the portal's custom domain (see " +
      'customDomainVerification), and records the outcome. Only a verified domain is served by the storefront, and ' +
      'for one organization at most. Already verified: answers at once, without a lookup.',
    args: { id: t.arg.id({ required: true, description: 'ID of the billing portal.' }) },
    errors: {
      types: [NotFoundError, ValidationError, DomainVerificationFailedError, DnsUnavailableError],
      directResult: true,
      union: {
        name: 'VerifyBillingPortalDomainResult',
        description: 'The portal with its domain verified, or why the domain is not verified.',
      },
    },
    resolve: async (_root, { id }, context) => ({
      portal: await context.portals.verifyCustomDomain(requireOrganization(context), String(id), writerOf(context)),
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
      const condition = { revision: ifRevision ?? undefined };
      await context.portals.delete(requireOrganization(context), String(id), condition, writerOf(context));
      return { id: String(id) };
    },
  }),
}));
