/** Errors a client can act on, as GraphQL types: each implements the `Error` interface. */
import {
  ConflictError,
  DnsUnavailableError,
  DomainError,
  DomainVerificationFailedError,
  IdempotencyKeyInUseError,
  IdempotencyKeyReusedError,
  NotFoundError,
  ValidationError,
  type InvalidField,
} from '../../portals/errors.ts';
import { builder } from './builder.ts';

export const ErrorInterface = builder.interfaceRef<DomainError>('Error').implement({
  description: 'A problem the client can act on, returned as data beside the successful result.',
  fields: (t) => ({
    message: t.exposeString('message', { description: 'A human-readable description of the problem.' }),
  }),
});

const InvalidFieldRef = builder.objectRef<InvalidField>('InvalidField').implement({
  description: 'One problem with one input field.',
  fields: (t) => ({
    field: t.exposeString('field', {
      description: 'Dot path of the field in the input, e.g. `customization.colors.primary` (as at the REST door).',
    }),
    message: t.exposeString('message', {
      description: 'What is wrong with it, e.g. "must be at most 255 characters long".',
    }),
  }),
});

builder.objectType(ValidationError, {
  name: 'ValidationError',
  description: 'The input broke one or more rules; nothing was changed.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ValidationError,
  fields: (t) => ({
    invalidFields: t.field({
      type: [InvalidFieldRef],
      nullable: false,
      description: 'One entry per problem.',
      resolve: (error) => error.invalidFields,
    }),
  }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  description: 'No billing portal with this id exists in your organization.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof NotFoundError,
  fields: (t) => ({
    id: t.exposeID('resourceId', { description: 'The id that was looked for.' }),
  }),
});

builder.objectType(ConflictError, {
  name: 'ConflictError',
  description:
    'The portal is not in the state the write expected (ifRevision, ifExists): someone else wrote it since, it ' +
    'does not exist, or (create-only) it already does. Nothing was changed; read it again and decide.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ConflictError,
  fields: (t) => ({
    id: t.exposeID('resourceId', { description: 'The id of the portal written.' }),
    currentRevision: t.exposeString('currentRevision', {
      nullable: true,
      description: "The portal's revision now, or null when there is no such portal.",
    }),
  }),
});

builder.objectType(IdempotencyKeyReusedError, {
  name: 'IdempotencyKeyReusedError',
  description: 'The idempotency key was already used for a different request; nothing was created.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof IdempotencyKeyReusedError,
  fields: (t) => ({ idempotencyKey: t.exposeString('idempotencyKey', { description: 'The key sent.' }) }),
});

builder.objectType(IdempotencyKeyInUseError, {
  name: 'IdempotencyKeyInUseError',
  description: 'The first request with this idempotency key is still running; retry shortly for its answer.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof IdempotencyKeyInUseError,
  fields: (t) => ({ idempotencyKey: t.exposeString('idempotencyKey', { description: 'The key sent.' }) }),
});

builder.objectType(DomainVerificationFailedError, {
  name: 'DomainVerificationFailedError',
  description:
    "DNS does not prove that your organization controls the portal's custom domain: no record, another token, or " +
    'another organization verified the domain first. Recorded on the portal as FAILED; publish the record and retry.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof DomainVerificationFailedError,
  fields: (t) => ({
    domain: t.exposeString('domain', { description: 'The custom domain checked.' }),
    reason: t.exposeString('reason', { description: 'Why it is not verified (also its failureReason).' }),
  }),
});

builder.objectType(DnsUnavailableError, {
  name: 'DnsUnavailableError',
  description: 'DNS did not answer (timeout, SERVFAIL, refused): nothing was changed. Retry shortly.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof DnsUnavailableError,
  fields: (t) => ({ domain: t.exposeString('domain', { description: 'The custom domain being checked.' }) }),
});
