/**
 * Idempotency keys on creation (REST `Idempotency-Key`, GraphQL `idempotencyKey`): a retried request
 * replays the first answer and creates nothing; a key reused for another request, or still in flight,
 * is refused; keys live in MongoDB (the state is set up here through the driver where a test needs a
 * request that died or a key past its 24 hours).
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintOf } from '../src/portals/idempotency.ts';
import { parsePortalInput } from '../src/portals/model.ts';
import { ORG_B, portalBody, startService, type TestService } from './support/service.ts';

let service: TestService;
beforeAll(async () => {
  service = await startService({ settings: { writesPerMinute: 0 } });
});
afterAll(() => service?.close());

const keys = () => service.db.collection('idempotencyKeys');
const post = (key: string | undefined, body: unknown = portalBody(), options: { keyOf?: string } = {}) =>
  service.rest('POST', '/billing-portals', {
    body,
    headers: key === undefined ? {} : { 'idempotency-key': key },
    key: options.keyOf,
  });
const portalsNamed = (name: string) => service.portals.countDocuments({ name });

describe('Idempotency-Key on POST /billing-portals', () => {
  it('replays the first answer exactly (status, body, Location) and creates nothing more', async () => {
    const body = portalBody({ name: 'replayed once' });
    const first = await post('key-replay', body);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await post('key-replay', body);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    expect(again.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(await portalsNamed('replayed once')).toBe(1);
  });

  it('treats a body that differs only by spelling out defaults as the same request', async () => {
    const body = portalBody({ name: 'defaults spelled out' });
    const first = await post('key-defaults', body);
    const explicit = await post('key-defaults', { ...body, status: 'active', features: { orderCancel: true } });
    expect(explicit.status).toBe(201);
    expect(explicit.body.id).toBe(first.body.id);
    expect(await portalsNamed('defaults spelled out')).toBe(1);
  });

  it('refuses the same key with a different body (422 naming the key) and creates nothing', async () => {
    await post('key-reused', portalBody({ name: 'first body' }));
    const other = await post('key-reused', portalBody({ name: 'second body' }));
    expect(other.status).toBe(422);
    expect(other.body.detail).toContain('"key-reused"');
    expect(await portalsNamed('second body')).toBe(0);
  });

  it('scopes keys to the organization', async () => {
    const body = portalBody({ name: 'two organizations' });
    const a = await post('key-shared', body);
    const b = await post('key-shared', body, { keyOf: ORG_B.key });
    expect(b.status).toBe(201);
    expect(b.headers.get('idempotent-replayed')).toBeNull();
    expect(b.body.id).not.toBe(a.body.id);
  });

  it('10 concurrent requests with one key create one portal; the others replay it or are told to retry (409)', async () => {
    const body = portalBody({ name: 'concurrent key' });
    const answers = await Promise.all(Array.from({ length: 10 }, () => post('key-concurrent', body)));
    for (const answer of answers) expect([201, 409]).toContain(answer.status);
    const created = answers.filter((a) => a.status === 201);
    expect(new Set(created.map((a) => a.body.id)).size).toBe(1);
    for (const refused of answers.filter((a) => a.status === 409)) {
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.body.detail).toContain('"key-concurrent"');
    }
    expect(await portalsNamed('concurrent key')).toBe(1);
  });

  it('answers 409 while the first request with the key is still running', async () => {
    const body = portalBody({ name: 'in flight' });
    await keys().insertOne({
      organizationId: 'org-a',
      key: 'key-in-flight',
      fingerprint: fingerprintOf(parsePortalInput(body)),
      portalId: 'bill_prt_inflight',
      state: 'pending',
      leaseUntil: new Date(Date.now() + 60_000),
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    const answer = await post('key-in-flight', body);
    expect(answer.status).toBe(409);
    expect(await portalsNamed('in flight')).toBe(0);
  });

  it('after a request died mid-way, a retry takes its key over and reuses the portal it had created', async () => {
    const body = portalBody({ name: 'died after insert' });
    const created = await post(undefined, body);
    await keys().insertOne({
      organizationId: 'org-a',
      key: 'key-died',
      fingerprint: fingerprintOf(parsePortalInput(body)),
      portalId: created.body.id,
      state: 'pending',
      leaseUntil: new Date(Date.now() - 1),
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    const retried = await post('key-died', body);
    expect(retried.status).toBe(201);
    expect(retried.body.id).toBe(created.body.id);
    expect(await portalsNamed('died after insert')).toBe(1);
    expect((await post('key-died', body)).headers.get('idempotent-replayed')).toBe('true');
  });

  it('a key past its 24 hours is free again', async () => {
    await keys().insertOne({
      organizationId: 'org-a',
      key: 'key-expired',
      fingerprint: 'another request',
      portalId: 'bill_prt_old',
      state: 'done',
      expiresAt: new Date(Date.now() - 1),
    });
    const answer = await post('key-expired', portalBody({ name: 'after expiry' }));
    expect(answer.status).toBe(201);
    expect(answer.headers.get('idempotent-replayed')).toBeNull();
  });

  it('a request that failed does not keep its key: it can be corrected and sent again', async () => {
    const invalid = await post('key-corrected', { ...portalBody(), slug: 'x' });
    expect(invalid.status).toBe(422);
    const corrected = await post('key-corrected', portalBody({ name: 'corrected' }));
    expect(corrected.status).toBe(201);
  });

  it('keys live in MongoDB with a TTL index', async () => {
    const indexes = await keys().listIndexes().toArray();
    expect(indexes.find((i) => i.key.expiresAt === 1)?.expireAfterSeconds).toBe(0);
    expect(indexes.find((i) => i.key.organizationId === 1 && i.key.key === 1)?.unique).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['over 255 characters', 'k'.repeat(256)],
    ['non-printable', 'tab\there'],
    ['not ASCII', 'clé'],
  ])('refuses an %s key with 400 naming the header, and creates nothing', async (_name, key) => {
    const answer = await post(key, portalBody({ name: `bad key ${key.length}` }));
    expect(answer.status).toBe(400);
    expect(answer.body.invalidFields).toEqual([{ field: 'Idempotency-Key', message: expect.any(String) }]);
    expect(await portalsNamed(`bad key ${key.length}`)).toBe(0);
  });
});

type CreateResult = {
  createBillingPortal: {
    __typename: string;
    replayed?: boolean;
    billingPortal?: { id: string };
    idempotencyKey?: string;
    invalidFields?: Array<{ field: string }>;
  };
};
const Create = parse(`mutation Create($input: BillingPortalInput!, $key: String) {
  createBillingPortal(input: $input, idempotencyKey: $key) {
    __typename
    ... on CreateBillingPortalSuccess { replayed billingPortal { id } }
    ... on IdempotencyKeyReusedError { idempotencyKey }
    ... on ValidationError { invalidFields { field } }
  }
}`) as TypedDocumentNode<CreateResult, { input: unknown; key?: string }>;

describe('idempotencyKey on createBillingPortal', () => {
  it('replays the created portal, refuses another input, and shares keys with the REST door', async () => {
    const input = portalBody({ name: 'graphql key' });
    const first = (await service.graphql(Create, { input, key: 'gql-key' })).data!.createBillingPortal;
    expect(first).toMatchObject({ __typename: 'CreateBillingPortalSuccess', replayed: false });
    const again = (await service.graphql(Create, { input, key: 'gql-key' })).data!.createBillingPortal;
    expect(again).toMatchObject({ replayed: true, billingPortal: { id: first.billingPortal!.id } });
    const viaRest = await post('gql-key', input);
    expect(viaRest.body.id).toBe(first.billingPortal!.id);
    const other = (await service.graphql(Create, { input: portalBody({ name: 'other' }), key: 'gql-key' })).data!;
    expect(other.createBillingPortal).toEqual({ __typename: 'IdempotencyKeyReusedError', idempotencyKey: 'gql-key' });
    expect(await portalsNamed('graphql key')).toBe(1);
  });

  it('answers an invalid key with ValidationError on idempotencyKey', async () => {
    const answer = (await service.graphql(Create, { input: portalBody(), key: '' })).data!.createBillingPortal;
    expect(answer).toEqual({ __typename: 'ValidationError', invalidFields: [{ field: 'idempotencyKey' }] });
  });
});
