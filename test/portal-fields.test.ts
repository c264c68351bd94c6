/**
 * Every declared portal field (portals/fields.ts), through both doors: its default shows when it is
 * omitted, a value of the wrong type is a 422 naming its path (never a 500: the GraphQL input type the
 * REST PUT goes through can never accept what validation refuses), read-only fields sent back are
 * ignored, and an enum value round-trips in each door's own spelling. The cases come from the
 * declaration, so a new field is covered as soon as it is declared.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eachField, PORTAL_FIELDS, selectionOf, type Field, type WritableField } from '../src/portals/fields.ts';
import { portalBody, startService, type TestService } from './support/service.ts';

let service: TestService;
beforeAll(async () => {
  service = await startService({ settings: { writesPerMinute: 0 } });
});
afterAll(() => service?.close());

const writableLeaves = [...eachField(PORTAL_FIELDS)].filter(
  (entry): entry is { path: string[]; field: WritableField<unknown> } =>
    entry.field.kind === 'text' || entry.field.kind === 'flag' || entry.field.kind === 'choice',
);
const at = (value: unknown, path: string[]) =>
  path.reduce((v, key) => (v as Record<string, unknown> | null)?.[key], value);
const nest = (path: string[], value: unknown): Record<string, unknown> =>
  path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;

/** A value no field of this kind accepts, of a JSON type GraphQL would also refuse for it. */
function wrongTypeFor(field: Field): unknown {
  return field.kind === 'flag' ? 'yes' : 42;
}

type AnyPortal = Record<string, unknown>;
const ReadAll = parse(
  `query ReadAll($id: ID!) { billingPortal(id: $id) { ${selectionOf(PORTAL_FIELDS)} } }`,
) as TypedDocumentNode<{ billingPortal: AnyPortal | null }, { id: string }>;
const UpsertAll = parse(`mutation UpsertAll($id: ID!, $input: BillingPortalInput!) {
  upsertBillingPortal(id: $id, input: $input) {
    ... on UpsertBillingPortalSuccess { billingPortal { ${selectionOf(PORTAL_FIELDS)} } }
  }
}`) as TypedDocumentNode<{ upsertBillingPortal: { billingPortal: AnyPortal } }, { id: string; input: unknown }>;

describe('every declared portal field', () => {
  it('shows its declared default at both doors when omitted', async () => {
    const put = await service.rest('PUT', '/billing-portals/defaults', { body: portalBody() });
    expect(put.status).toBe(201);
    const read = await service.graphql(ReadAll, { id: 'defaults' });
    for (const { path, field } of writableLeaves.filter((leaf) => leaf.field.default !== undefined)) {
      expect(at(put.body, path), path.join('.')).toEqual(field.default);
      const graphQLDefault = field.choice ? field.choice.values[field.default as string].graphql : field.default;
      expect(at(read.data!.billingPortal, path), path.join('.')).toEqual(graphQLDefault);
    }
  });

  it.each(writableLeaves.map(({ path, field }) => [path.join('.'), path, field] as const))(
    '%s: a value of the wrong type is a 422 naming it, and nothing is written',
    async (name, path, field) => {
      const id = `wrong-${name.replaceAll('.', '-')}`;
      const body = { ...portalBody(), ...nest(path, wrongTypeFor(field)) };
      const put = await service.rest('PUT', `/billing-portals/${id}`, { body });
      expect(put.status).toBe(422);
      expect(put.body.invalidFields.map((f: { field: string }) => f.field)).toEqual([name]);
      expect((await service.rest('GET', `/billing-portals/${id}`)).status).toBe(404);
    },
  );

  it('gives the same portal at both doors for the same valid input, every field compared', async () => {
    const body = {
      ...portalBody({ slug: 'same-both', customDomain: 'both-doors.example.com' }),
      customization: { colors: { primary: 'ABCDEF' } },
    };
    const viaRest = await service.rest('PUT', '/billing-portals/both-doors', { body });
    const viaGraphQL = (await service.graphql(UpsertAll, { id: 'both-doors', input: body })).data!.upsertBillingPortal;
    for (const { path, field } of [...eachField(PORTAL_FIELDS)].filter((entry) => entry.field.kind !== 'group')) {
      if (path.join('.') === 'updatedTime' || path.join('.') === 'revision') continue; // two writes
      const restValue = at(viaRest.body, path);
      const expected =
        field.kind !== 'group' && field.choice ? field.choice.values[restValue as string].graphql : restValue;
      expect(restValue, path.join('.')).not.toBeUndefined();
      expect(at(viaGraphQL.billingPortal, path), path.join('.')).toEqual(expected);
    }
  });

  it('ignores every read-only field a REST body carries back', async () => {
    const created = await service.rest('PUT', '/billing-portals/read-only', { body: portalBody() });
    const echoed = { ...created.body, id: 'another-id', createdTime: '2000-01-01T00:00:00.000Z', _links: [] };
    const put = await service.rest('PUT', '/billing-portals/read-only', { body: echoed });
    expect(put.status).toBe(200);
    expect(put.body.id).toBe('read-only');
    expect(put.body.createdTime).toBe(created.body.createdTime);
  });

  const choices = writableLeaves.filter((leaf) => leaf.field.kind === 'choice');
  it.each(
    choices.flatMap(({ path, field }) =>
      Object.entries(field.choice!.values).map(
        ([value, spelling]) => [path.join('.'), value, spelling.graphql, path] as const,
      ),
    ),
  )(
    '%s: REST "%s" is GraphQL %s, each door keeps its own spelling, the other door\'s is refused',
    async (name, restValue, graphQLValue, path) => {
      const id = `choice-${restValue}`;
      const withValue = (value: string) => ({ body: { ...portalBody(), ...nest(path, value) } });
      const put = await service.rest('PUT', `/billing-portals/${id}`, withValue(restValue));
      expect(put.status).toBe(201);
      expect(at(put.body, path)).toBe(restValue);
      expect(at((await service.graphql(ReadAll, { id })).data!.billingPortal, path)).toBe(graphQLValue);
      if (graphQLValue !== restValue) {
        const refused = await service.rest('PUT', `/billing-portals/${id}`, withValue(graphQLValue));
        expect(refused.status).toBe(422);
        expect(refused.body.invalidFields.map((f: { field: string }) => f.field)).toEqual([name]);
      }
    },
  );
});
