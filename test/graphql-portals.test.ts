import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreatePortal,
  DeletePortal,
  GetPortal,
  GetPortalBySlug,
  ListPortals,
  UpsertPortal,
} from './support/operations.ts';
import { ORG_B, portalBody, startService, type TestService } from './support/service.ts';

let service: TestService;
/** GRAPHQL_INTROSPECTION=public: a request without a key may read the schema. */
let publicSchema: TestService;
beforeAll(async () => {
  [service, publicSchema] = await Promise.all([
    startService(),
    startService({ settings: { introspection: 'public' } }),
  ]);
});
afterAll(() => Promise.all([service?.close(), publicSchema?.close()]));

const input = (overrides: Record<string, unknown> = {}) =>
  portalBody(overrides) as { websiteId: string; slug: string; name: string };

describe('upsertBillingPortal', () => {
  it('creates, then replaces: created flag, defaults, createdTime kept', async () => {
    const first = await service.graphql(UpsertPortal, {
      id: 'gql-1',
      input: {
        ...input({ slug: 'gql-one' }),
        status: 'INACTIVE',
        customDomain: 'Shop.Example.org',
        features: { orderCancel: false },
      },
    });
    expect(first.errors).toBeUndefined();
    const created = first.data!.upsertBillingPortal;
    if (created.__typename !== 'UpsertBillingPortalSuccess') throw new Error(`unexpected ${created.__typename}`);
    expect(created.created).toBe(true);
    expect(created.billingPortal).toMatchObject({
      id: 'gql-1',
      slug: 'gql-one',
      status: 'INACTIVE',
      customDomain: 'shop.example.org',
      portalUrl: 'https://shop.example.org/billing-portal/gql-one',
      features: { orderCancel: false, orderAddressEdit: true },
      customization: { logoId: null, colors: { primary: '0044d4', secondary: 'ffffff' } },
    });

    const second = await service.graphql(UpsertPortal, { id: 'gql-1', input: input({ slug: 'gql-one' }) });
    const replaced = second.data!.upsertBillingPortal;
    if (replaced.__typename !== 'UpsertBillingPortalSuccess') throw new Error(`unexpected ${replaced.__typename}`);
    expect(replaced.created).toBe(false);
    expect(replaced.billingPortal).toMatchObject({
      status: 'ACTIVE',
      customDomain: null,
      portalUrl: 'https://portal.secure-payments.app/billing-portal/gql-one',
      features: { orderCancel: true },
      createdTime: created.billingPortal.createdTime,
    });
  });

  it('returns ValidationError data with the same invalidFields as the REST door', async () => {
    const bad = {
      websiteId: '',
      slug: 'no',
      name: 'x'.repeat(300),
      customDomain: '-bad-.com',
      customization: {
        logoId: '',
        colors: { primary: 'blue' },
        links: { termsOfService: 'ftp://example.com/tos', refundPolicy: '/relative' },
      },
    };
    const viaGraphQL = await service.graphql(UpsertPortal, { id: 'gql-bad', input: bad });
    expect(viaGraphQL.errors).toBeUndefined();
    const outcome = viaGraphQL.data!.upsertBillingPortal;
    if (outcome.__typename !== 'ValidationError') throw new Error(`unexpected ${outcome.__typename}`);
    const viaRest = await service.rest('PUT', '/billing-portals/gql-bad', { body: bad });
    expect(viaRest.status).toBe(422);
    expect(outcome.invalidFields).toEqual(viaRest.body.invalidFields);
    expect(outcome.message).toBe(viaRest.body.detail);
    expect(outcome.invalidFields.map((f) => f.field)).toEqual([
      'websiteId',
      'slug',
      'name',
      'customDomain',
      'customization.logoId',
      'customization.colors.primary',
      'customization.links.termsOfService',
      'customization.links.refundPolicy',
    ]);
    expect(await service.portals.countDocuments({ id: 'gql-bad' })).toBe(0);
  });

  it('answers a taken slug with ValidationError on slug', async () => {
    await service.graphql(UpsertPortal, { id: 'slug-a', input: input({ slug: 'contested' }) });
    const res = await service.graphql(UpsertPortal, { id: 'slug-b', input: input({ slug: 'CONTESTED' }) });
    expect(res.data!.upsertBillingPortal).toMatchObject({
      __typename: 'ValidationError',
      invalidFields: [{ field: 'slug', message: 'is already used by another billing portal' }],
    });
  });

  it('refuses a missing required input field as a GraphQL validation error, before anything runs', async () => {
    const res = await service.graphql(UpsertPortal, {
      id: 'gql-missing',
      input: { slug: 'abcdef', name: 'n' } as never,
    });
    expect(res.data).toBeUndefined();
    expect(res.errors?.[0].message).toMatch(/websiteId/);
    expect(await service.portals.countDocuments({ id: 'gql-missing' })).toBe(0);
  });
});

describe('createBillingPortal and deleteBillingPortal', () => {
  it('creates under a server-made id, deletes it, then reports NotFoundError', async () => {
    const created = await service.graphql(CreatePortal, { input: input() });
    const outcome = created.data!.createBillingPortal;
    if (outcome.__typename !== 'CreateBillingPortalSuccess') throw new Error(`unexpected ${outcome.__typename}`);
    const { id } = outcome.billingPortal;
    expect(id).toMatch(/^bill_prt_[0-9A-Z]{26}$/);

    const deleted = await service.graphql(DeletePortal, { id });
    expect(deleted.data!.deleteBillingPortal).toEqual({ __typename: 'DeleteBillingPortalSuccess', deletedId: id });
    const again = await service.graphql(DeletePortal, { id });
    expect(again.data!.deleteBillingPortal).toEqual({
      __typename: 'NotFoundError',
      id,
      message: `Billing portal "${id}" was not found.`,
    });
  });

  it('returns ValidationError from createBillingPortal', async () => {
    const res = await service.graphql(CreatePortal, { input: input({ slug: 'bad slug!' }) });
    expect(res.data!.createBillingPortal).toMatchObject({
      __typename: 'ValidationError',
      invalidFields: [{ field: 'slug', message: 'may contain only ASCII letters, digits and @ ~ - . _' }],
    });
  });

  it("cannot delete another organization's portal", async () => {
    await service.graphql(UpsertPortal, { id: 'b-owned', input: input() }, { key: ORG_B.key });
    const res = await service.graphql(DeletePortal, { id: 'b-owned' });
    expect(res.data!.deleteBillingPortal.__typename).toBe('NotFoundError');
    expect(await service.portals.countDocuments({ id: 'b-owned' })).toBe(1);
  });
});

describe('billingPortal and billingPortalBySlug', () => {
  it('reads by id and by slug (case-insensitively); null when absent or foreign', async () => {
    await service.graphql(UpsertPortal, { id: 'read-me', input: input({ slug: 'Read-Me-Slug' }) });
    const byId = await service.graphql(GetPortal, { id: 'read-me' });
    expect(byId.data!.billingPortal).toMatchObject({ id: 'read-me', slug: 'Read-Me-Slug' });
    const bySlug = await service.graphql(GetPortalBySlug, { slug: 'read-me-slug' });
    expect(bySlug.data!.billingPortalBySlug?.id).toBe('read-me');
    expect((await service.graphql(GetPortal, { id: 'nobody' })).data!.billingPortal).toBeNull();
    expect((await service.graphql(GetPortal, { id: 'read-me' }, { key: ORG_B.key })).data!.billingPortal).toBeNull();
    expect(
      (await service.graphql(GetPortalBySlug, { slug: 'read-me-slug' }, { key: ORG_B.key })).data!.billingPortalBySlug,
    ).toBeNull();
  });
});

describe('credentials at the GraphQL door', () => {
  it('refuses an operation without a key, and an unknown key with 401', async () => {
    const anonymous = await service.graphql(GetPortal, { id: 'read-me' }, { key: null });
    expect(anonymous.data?.billingPortal ?? null).toBeNull();
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const unknown = await service.graphql(GetPortal, { id: 'read-me' }, { key: 'wrong-key-123' });
    expect(unknown.status).toBe(401);
    const raw = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'REB-APIKEY': 'wrong-key-123' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(raw.headers.get('www-authenticate')).toBe('Bearer');
    expect(unknown.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('lets a caller with a key read the schema, and anyone only with GRAPHQL_INTROSPECTION=public', async () => {
    const read = (target: TestService, headers: Record<string, string>) =>
      fetch(`${target.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: '{ __type(name: "BillingPortal") { description fields { name } } }' }),
      });
    for (const response of [await read(service, { 'REB-APIKEY': ORG_B.key }), await read(publicSchema, {})]) {
      const result = (await response.json()) as { data: { __type: { description: string; fields: unknown[] } } };
      expect(result.data.__type.description).toMatch(/billing portal/i);
      expect(result.data.__type.fields).toContainEqual({ name: 'portalUrl' });
    }
    const anonymous = await read(service, {});
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({
      errors: [
        {
          message: expect.stringMatching(/API key/),
          extensions: { code: 'UNAUTHENTICATED', requestId: expect.any(String) },
        },
      ],
    });
  });

  it('serves GraphiQL to a browser without loading anything from elsewhere', async () => {
    const response = await fetch(`${service.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('GraphiQL');
    expect(html).not.toMatch(/<script[^>]+src="https?:/);
  });
});

describe('billingPortals connection', () => {
  const listIds = (res: Awaited<ReturnType<typeof list>>) => res.data!.billingPortals.edges.map((e) => e.node.id);
  const list = (variables: Parameters<typeof service.graphql<unknown, Record<string, unknown>>>[1], key?: string) =>
    service.graphql(ListPortals, variables, key ? { key } : {});

  beforeAll(async () => {
    for (let i = 0; i < 7; i++) {
      await service.graphql(
        UpsertPortal,
        {
          id: `page-${i}`,
          input: input({ slug: `page-${i}`, websiteId: 'paged-site', status: i === 3 ? 'INACTIVE' : 'ACTIVE' }),
        },
        { key: ORG_B.key },
      );
    }
  });

  it('pages forward with first/after through every portal exactly once, with totalCount', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const res = await list({ first: 3, after }, ORG_B.key);
      expect(res.errors).toBeUndefined();
      const page = res.data!.billingPortals;
      expect(page.totalCount).toBe(8);
      seen.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor!;
    }
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
    expect(seen.slice(0, 7)).toEqual(['page-6', 'page-5', 'page-4', 'page-3', 'page-2', 'page-1', 'page-0']);
  });

  it('pages backward with last/before', async () => {
    const all = listIds(await list({ first: 100, filter: { websiteId: { in: ['PAGED-SITE'] } } }, ORG_B.key));
    const lastTwo = await list({ last: 2, filter: { websiteId: { in: ['paged-site'] } } }, ORG_B.key);
    expect(listIds(lastTwo)).toEqual(all.slice(-2));
    const middle = await list({ first: 7, filter: { websiteId: { in: ['paged-site'] } } }, ORG_B.key);
    const cursorOfFifth = middle.data!.billingPortals.edges[4].cursor;
    const before = await list(
      { last: 2, before: cursorOfFifth, filter: { websiteId: { in: ['paged-site'] } } },
      ORG_B.key,
    );
    expect(listIds(before)).toEqual(all.slice(2, 4));
    expect(before.data!.billingPortals.pageInfo.hasPreviousPage).toBe(true);
  });

  it('filters, orders and searches', async () => {
    const inactive = await list({ filter: { status: ['INACTIVE'] } }, ORG_B.key);
    expect(listIds(inactive)).toEqual(['page-3']);
    expect(inactive.data!.billingPortals.totalCount).toBe(1);
    const oldestFirst = await list(
      { filter: { websiteId: { in: ['paged-site'] } }, orderBy: [{ field: 'CREATED_TIME', direction: 'ASC' }] },
      ORG_B.key,
    );
    expect(listIds(oldestFirst)).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4', 'page-5', 'page-6']);
    const excluded = await list(
      { filter: { slug: { notIn: ['page-0', 'PAGE-1'] }, websiteId: { in: ['paged-site'] } } },
      ORG_B.key,
    );
    expect(excluded.data!.billingPortals.totalCount).toBe(5);
    const searched = await list({ query: 'PAGE-5' }, ORG_B.key);
    expect(listIds(searched)).toEqual(['page-5']);
    const nothing = await list({ filter: { status: [] } }, ORG_B.key);
    expect(nothing.data!.billingPortals.totalCount).toBe(0);
  });

  it('refuses a cursor that is not one, or was made for another order', async () => {
    for (const after of ['garbage', Buffer.from('[1,"x"]').toString('base64url'), '']) {
      const res = await list({ first: 2, after }, ORG_B.key);
      expect(res.errors?.[0].message).toMatch(/not a cursor/);
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
    const newestFirst = await list({ first: 1 }, ORG_B.key);
    const cursor = newestFirst.data!.billingPortals.pageInfo.endCursor!;
    const res = await list(
      { first: 1, after: cursor, orderBy: [{ field: 'UPDATED_TIME', direction: 'ASC' }] },
      ORG_B.key,
    );
    expect(res.errors?.[0].message).toMatch(/not a cursor of this connection in this order/);
  });

  it('refuses what REST refuses too: page sizes over 100, reversed ranges, long search text, impossible dates', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ first: 101 }, /Argument "first" must be between 0 and 100/],
      [{ last: -1 }, /Argument "last" must be between 0 and 100/],
      [
        { filter: { createdTime: { from: '2030-01-01T00:00:00Z', to: '2020-01-01T00:00:00Z' } } },
        /Argument "filter" the createdTime range ends before it starts/,
      ],
      [{ query: 'q'.repeat(256) }, /Argument "query" must be at most 255 characters long/],
      [{ filter: { updatedTime: { from: '2026-02-30T00:00:00Z' } } }, /DateTime must be an RFC 3339 date-time/],
    ];
    for (const [variables, message] of cases) {
      const res = await list(variables, ORG_B.key);
      expect(res.errors?.[0].message, JSON.stringify(variables)).toMatch(message);
    }
  });

  it("never lists another organization's portals", async () => {
    const res = await list({ filter: { websiteId: { in: ['paged-site'] } } });
    expect(res.data!.billingPortals.totalCount).toBe(0);
  });
});

describe('documents as clients write them', () => {
  const post = async (body: Record<string, unknown>, key: string | null = ORG_B.key, target = service) => {
    const response = await fetch(`${target.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { 'REB-APIKEY': key } : {}) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };

  it('runs the operation operationName picks from a document that holds several, every time', async () => {
    await post({
      query:
        'mutation { upsertBillingPortal(id: "two-ops", input: { websiteId: "web-ops", slug: "two-ops", name: "Two ops" }) { __typename } }',
    });
    const query = `
      query BySlug { billingPortalBySlug(slug: "two-ops") { id } }
      query ById($id: ID!) { billingPortal(id: $id) { name } }`;
    for (let round = 0; round < 2; round += 1) {
      expect(await post({ query, operationName: 'ById', variables: { id: 'two-ops' } })).toEqual({
        status: 200,
        body: { data: { billingPortal: { name: 'Two ops' } } },
      });
      expect(await post({ query, operationName: 'BySlug' })).toEqual({
        status: 200,
        body: { data: { billingPortalBySlug: { id: 'two-ops' } } },
      });
    }
    for (const operationName of [undefined, 'Nope']) {
      const unpicked = await post({ query, operationName });
      expect(unpicked.status, String(operationName)).toBe(400);
      expect(unpicked.body.errors[0].extensions.code).toBe('OPERATION_RESOLUTION_FAILURE');
    }
  });

  it('answers aliases, fragments, @include/@skip and __typename as written', async () => {
    const query = `
      query Read($id: ID!, $withSlug: Boolean!) {
        first: billingPortal(id: $id) { ...Names colors: customization { colors { primary } } }
        second: billingPortal(id: $id) { __typename slug @include(if: $withSlug) id @skip(if: $withSlug) }
        missing: billingPortal(id: "not-there") { id }
      }
      fragment Names on BillingPortal { id name }`;
    for (const withSlug of [true, false]) {
      expect(await post({ query, variables: { id: 'two-ops', withSlug } })).toEqual({
        status: 200,
        body: {
          data: {
            first: { id: 'two-ops', name: 'Two ops', colors: { colors: { primary: '0044d4' } } },
            second: withSlug
              ? { __typename: 'BillingPortal', slug: 'two-ops' }
              : { __typename: 'BillingPortal', id: 'two-ops' },
            missing: null,
          },
        },
      });
    }
  });

  it('reports a refused field with its path and location, and keeps the fields that were allowed', async () => {
    // Only a request without a key reaches a field that refuses it, and only where it may read the schema.
    const query = '{ __typename portal: billingPortal(id: "two-ops") { id } }';
    const answer = await post({ query }, null, publicSchema);
    expect(answer.status).toBe(401);
    expect(answer.body.data).toEqual({ __typename: 'Query', portal: null });
    expect(answer.body.errors).toEqual([
      {
        message: expect.any(String),
        locations: [{ line: 1, column: 14 }],
        path: ['portal'],
        extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }),
      },
    ]);
  });

  it("answers a mutation's union result through inline fragments", async () => {
    const answer = await post({
      query: `mutation {
        upsertBillingPortal(id: "two-ops", input: { websiteId: "web-ops", slug: "x", name: "" }) {
          __typename
          ... on UpsertBillingPortalSuccess { created }
          ... on ValidationError { invalidFields { field } }
        }
      }`,
    });
    expect(answer).toEqual({
      status: 200,
      body: {
        data: {
          upsertBillingPortal: { __typename: 'ValidationError', invalidFields: [{ field: 'slug' }, { field: 'name' }] },
        },
      },
    });
  });
});
