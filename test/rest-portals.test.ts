import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG_A, ORG_B, portalBody, startService, type TestService } from './support/service.ts';

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(() => service.close());

const DEFAULT_FEATURES = {
  authenticateWithPassword: true,
  orderCancel: true,
  orderAddressEdit: true,
  paymentInstrumentAdd: true,
  paymentInstrumentUpdate: true,
  paymentInstrumentDeactivate: true,
};

const FULL_BODY = {
  websiteId: 'web-full',
  slug: 'full-portal',
  name: '  Full portal  ',
  customDomain: 'Billing.Example.COM',
  status: 'inactive',
  features: { ...DEFAULT_FEATURES, orderCancel: false, paymentInstrumentAdd: false },
  customization: {
    logoId: 'file_123',
    colors: { primary: 'AABBCC', secondary: '112233' },
    links: {
      termsOfService: 'https://example.com/terms',
      privacyPolicy: 'https://example.com/privacy',
      refundPolicy: 'http://example.com/refunds',
    },
  },
};

describe('PUT /billing-portals/{id}', () => {
  it('creates with 201 and Location, every default filled in', async () => {
    const body = portalBody({ slug: 'defaults-portal' });
    const res = await service.rest('PUT', '/billing-portals/put-defaults', { body });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`${service.url}/billing-portals/put-defaults`);
    expect(res.body).toEqual({
      id: 'put-defaults',
      websiteId: 'web-1',
      slug: 'defaults-portal',
      name: 'Main portal',
      customDomain: null,
      customDomainVerification: null,
      status: 'active',
      features: DEFAULT_FEATURES,
      customization: {
        logoId: null,
        colors: { primary: '0044d4', secondary: 'ffffff' },
        links: { termsOfService: null, privacyPolicy: null, refundPolicy: null },
      },
      createdTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      updatedTime: res.body.createdTime,
      revision: expect.stringMatching(/^[0-9a-f-]{36}$/),
      _links: [{ rel: 'self', href: `${service.url}/billing-portals/put-defaults` }],
    });
  });

  it('stores every field, normalized (trimmed name, lower-case domain and colours)', async () => {
    const res = await service.rest('PUT', '/billing-portals/put-full', { body: FULL_BODY });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      ...FULL_BODY,
      name: 'Full portal',
      customDomain: 'billing.example.com',
      customization: { ...FULL_BODY.customization, colors: { primary: 'aabbcc', secondary: '112233' } },
    });
    const read = await service.rest('GET', '/billing-portals/put-full');
    expect(read.body).toEqual(res.body);
  });

  it('updates with 200: a full replacement where omitted fields return to defaults and createdTime survives', async () => {
    const first = await service.rest('PUT', '/billing-portals/put-replace', {
      body: { ...FULL_BODY, slug: 'replace-me' },
    });
    expect(first.status).toBe(201);
    const second = await service.rest('PUT', '/billing-portals/put-replace', {
      body: { websiteId: 'web-2', slug: 'replace-me', name: 'Replaced' },
    });
    expect(second.status).toBe(200);
    expect(second.headers.get('location')).toBeNull();
    expect(second.body).toMatchObject({
      websiteId: 'web-2',
      name: 'Replaced',
      customDomain: null,
      status: 'active',
      features: DEFAULT_FEATURES,
      customization: { logoId: null, colors: { primary: '0044d4', secondary: 'ffffff' } },
      createdTime: first.body.createdTime,
    });
    expect(Date.parse(second.body.updatedTime)).toBeGreaterThanOrEqual(Date.parse(first.body.updatedTime));
    const stored = await service.portals.findOne({ id: 'put-replace' });
    expect(stored?.customization.links.refundPolicy).toBeNull();
    expect(stored?.organizationId).toBe(ORG_A.organizationId);
  });

  it('ignores read-only fields in the body (GET, change, PUT back)', async () => {
    const created = await service.rest('PUT', '/billing-portals/round-trip', { body: portalBody() });
    const changed = { ...created.body, name: 'Renamed', id: 'another-id', createdTime: '2000-01-01T00:00:00.000Z' };
    const res = await service.rest('PUT', '/billing-portals/round-trip', { body: changed });
    expect(res.status).toBe(200);
    expect(res.body.id).toBe('round-trip');
    expect(res.body.name).toBe('Renamed');
    expect(res.body.createdTime).toBe(created.body.createdTime);
    expect(await service.portals.countDocuments({ id: 'another-id' })).toBe(0);
  });

  it.each([
    ['a missing required field', { slug: 'valid-slug', name: 'x' }, [{ field: 'websiteId', message: 'is required' }]],
    ['a wrongly typed name', portalBody({ name: 5 }), [{ field: 'name', message: 'must be a string' }]],
    [
      'a wrongly typed features',
      portalBody({ features: 'yes' }),
      [{ field: 'features', message: 'must be an object' }],
    ],
    [
      'a wrongly typed feature flag',
      portalBody({ features: { orderCancel: 'no' } }),
      [{ field: 'features.orderCancel', message: 'must be true or false' }],
    ],
    [
      'an unknown field',
      portalBody({ colour: 'red' }),
      [{ field: 'colour', message: 'is not a field of a billing portal' }],
    ],
    [
      'an unknown nested field',
      portalBody({ customization: { colors: { tertiary: '000000' } } }),
      [{ field: 'customization.colors.tertiary', message: 'is not a field of a billing portal' }],
    ],
    ['a short slug', portalBody({ slug: 'abc' }), [{ field: 'slug', message: 'must be at least 5 characters long' }]],
    [
      'a slug with a slash',
      portalBody({ slug: 'a/b/c/d' }),
      [{ field: 'slug', message: 'may contain only ASCII letters, digits and @ ~ - . _' }],
    ],
    ['a blank name', portalBody({ name: '   ' }), [{ field: 'name', message: 'must not be blank' }]],
    [
      'a long name',
      portalBody({ name: 'n'.repeat(256) }),
      [{ field: 'name', message: 'must be at most 255 characters long' }],
    ],
    [
      'a colour with #',
      portalBody({ customization: { colors: { primary: '#0044d4' } } }),
      [{ field: 'customization.colors.primary', message: expect.stringContaining('6 hexadecimal digits') }],
    ],
    [
      'a non-http link',
      portalBody({ customization: { links: { privacyPolicy: 'javascript:alert(1)' } } }),
      [{ field: 'customization.links.privacyPolicy', message: 'must be an absolute http or https URL' }],
    ],
    [
      'a bad host name',
      portalBody({ customDomain: 'not a host' }),
      [{ field: 'customDomain', message: expect.stringContaining('host name') }],
    ],
    [
      'the default host as custom domain',
      portalBody({ customDomain: 'Portal.Secure-Payments.app' }),
      [{ field: 'customDomain', message: expect.stringContaining('the default host') }],
    ],
    [
      'a blank website id',
      portalBody({ websiteId: '   ' }),
      [{ field: 'websiteId', message: 'must not be blank or start or end with white space' }],
    ],
    ...[
      'https://example.com/terms of service',
      'https:example.com',
      ' https://example.com/',
      'https://例子.测试/',
      'https://example.com/%zz',
    ].map((link) => [
      `the link ${JSON.stringify(link)}`,
      portalBody({ customization: { links: { termsOfService: link } } }),
      [{ field: 'customization.links.termsOfService', message: 'must be an absolute http or https URL' }],
    ]),
    [
      'an unknown status',
      portalBody({ status: 'paused' }),
      [{ field: 'status', message: 'must be one of: active, inactive' }],
    ],
    [
      'a GraphQL-style status',
      portalBody({ status: 'ACTIVE' }),
      [{ field: 'status', message: 'must be one of: active, inactive' }],
    ],
    [
      'a status named like an object property',
      portalBody({ status: 'toString' }),
      [{ field: 'status', message: 'must be one of: active, inactive' }],
    ],
    [
      'a long logo id',
      portalBody({ customization: { logoId: 'f'.repeat(51) } }),
      [{ field: 'customization.logoId', message: 'must be at most 50 characters long' }],
    ],
    ['an array body', [1, 2], [{ field: 'body', message: 'must be an object' }]],
    [
      'an operator object',
      portalBody({ websiteId: { $gt: '' } }),
      [{ field: 'websiteId', message: 'must be a string' }],
    ],
  ] as Array<[string, unknown, unknown]>)(
    'answers 422 naming the field for %s, and stores nothing',
    async (_case, body, invalidFields) => {
      const res = await service.rest('PUT', '/billing-portals/rejected', { body });
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ type: 'about:blank', title: 'Unprocessable Content', status: 422 });
      expect(res.body.invalidFields).toEqual(invalidFields);
      expect(await service.portals.countDocuments({ id: 'rejected' })).toBe(0);
    },
  );

  it('reports every problem at once, the path id among them', async () => {
    const res = await service.rest('PUT', `/billing-portals/${'x'.repeat(51)}`, {
      body: { slug: 'ok-slug', name: '', customization: { colors: { primary: 'zzz', secondary: 'fff' } } },
    });
    expect(res.status).toBe(422);
    expect(res.body.invalidFields.map((f: { field: string }) => f.field)).toEqual([
      'id',
      'websiteId',
      'name',
      'customization.colors.primary',
      'customization.colors.secondary',
    ]);
  });

  it('answers 422 on slug when another portal of the organization has it (case-insensitively)', async () => {
    await service.rest('PUT', '/billing-portals/slug-owner', { body: portalBody({ slug: 'Taken-Slug' }) });
    const res = await service.rest('PUT', '/billing-portals/slug-thief', { body: portalBody({ slug: 'taken-slug' }) });
    expect(res.status).toBe(422);
    expect(res.body.invalidFields).toEqual([{ field: 'slug', message: 'is already used by another billing portal' }]);
    expect(await service.portals.countDocuments({ id: 'slug-thief' })).toBe(0);
  });

  it('lets another organization use the same slug and the same id', async () => {
    await service.rest('PUT', '/billing-portals/shared-id', { body: portalBody({ slug: 'shared-slug' }) });
    const res = await service.rest('PUT', '/billing-portals/shared-id', {
      body: portalBody({ slug: 'shared-slug', name: 'B' }),
      key: ORG_B.key,
    });
    expect(res.status).toBe(201);
    const a = await service.rest('GET', '/billing-portals/shared-id');
    expect(a.body.name).toBe('Main portal');
  });
});

describe('POST /billing-portals', () => {
  it('creates under a server-made id with 201 and Location', async () => {
    const res = await service.rest('POST', '/billing-portals', { body: portalBody({ slug: 'posted-portal' }) });
    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^bill_prt_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(res.headers.get('location')).toBe(`${service.url}/billing-portals/${res.body.id}`);
    const read = await service.rest('GET', `/billing-portals/${res.body.id}`);
    expect(read.body).toEqual(res.body);
  });

  it('accepts a trailing slash', async () => {
    const res = await service.rest('POST', '/billing-portals/', { body: portalBody() });
    expect(res.status).toBe(201);
  });

  it('answers 422 with invalidFields and creates nothing', async () => {
    const before = await service.portals.countDocuments();
    const res = await service.rest('POST', '/billing-portals', { body: { name: 'no slug' } });
    expect(res.status).toBe(422);
    expect(res.body.invalidFields).toEqual([
      { field: 'websiteId', message: 'is required' },
      { field: 'slug', message: 'is required' },
    ]);
    expect(await service.portals.countDocuments()).toBe(before);
  });
});

describe('GET and DELETE /billing-portals/{id}', () => {
  it('reads a portal, 404 once deleted (204), 404 on a second delete', async () => {
    await service.rest('PUT', '/billing-portals/to-delete', { body: portalBody() });
    expect((await service.rest('GET', '/billing-portals/to-delete')).status).toBe(200);
    const deleted = await service.rest('DELETE', '/billing-portals/to-delete');
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    const read = await service.rest('GET', '/billing-portals/to-delete');
    expect(read.status).toBe(404);
    expect(read.body).toMatchObject({ status: 404, title: 'Not Found' });
    expect((await service.rest('DELETE', '/billing-portals/to-delete')).status).toBe(404);
  });

  it('answers 404 for an id that could never exist', async () => {
    expect((await service.rest('GET', `/billing-portals/${'y'.repeat(60)}`)).status).toBe(404);
    expect((await service.rest('GET', '/billing-portals/has%20space')).status).toBe(404);
  });
});

describe('both bases and tenancy', () => {
  it('serves the organization-prefixed base with the same behaviour', async () => {
    const base = `/organizations/${ORG_A.organizationId}/billing-portals`;
    const put = await service.rest('PUT', `${base}/org-path`, { body: portalBody() });
    expect(put.status).toBe(201);
    expect(put.headers.get('location')).toBe(`${service.url}${base}/org-path`);
    expect(put.body._links).toEqual([{ rel: 'self', href: `${service.url}${base}/org-path` }]);
    expect((await service.rest('GET', '/billing-portals/org-path')).status).toBe(200);
    expect((await service.rest('GET', `${base}/org-path/`)).status).toBe(200);
    const list = await service.rest('GET', `${base}?filter=slug:${put.body.slug}`);
    expect(list.body.map((p: { id: string }) => p.id)).toEqual(['org-path']);
    expect((await service.rest('DELETE', `${base}/org-path`)).status).toBe(204);
  });

  it("answers 403 under another organization's path, and changes nothing", async () => {
    const base = `/organizations/${ORG_B.organizationId}/billing-portals`;
    for (const [method, path, body] of [
      ['GET', base, undefined],
      ['POST', base, portalBody()],
      ['PUT', `${base}/forbidden`, portalBody()],
      ['GET', `${base}/forbidden`, undefined],
      ['DELETE', `${base}/forbidden`, undefined],
    ] as const) {
      const res = await service.rest(method, path, { body });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body).toMatchObject({ status: 403, title: 'Forbidden' });
    }
    expect(await service.portals.countDocuments({ organizationId: ORG_B.organizationId, id: 'forbidden' })).toBe(0);
  });

  it('answers 401 without a key or with an unknown one, on every route', async () => {
    for (const key of [null, 'not-a-key']) {
      for (const [method, path] of [
        ['GET', '/billing-portals'],
        ['POST', '/billing-portals'],
        ['GET', '/billing-portals/x1'],
        ['PUT', '/billing-portals/x1'],
        ['DELETE', '/billing-portals/x1'],
      ]) {
        const res = await service.rest(method, path, {
          key,
          body: method === 'PUT' || method === 'POST' ? portalBody() : undefined,
        });
        expect(res.status, `${method} ${path} with ${key}`).toBe(401);
        expect(res.body).toMatchObject({ status: 401, title: 'Unauthorized' });
      }
    }
    expect(await service.portals.countDocuments({ id: 'x1' })).toBe(0);
  });

  it('accepts the key as Authorization: Bearer', async () => {
    const res = await service.rest('GET', '/billing-portals', {
      key: null,
      headers: { authorization: `Bearer ${ORG_A.key}` },
    });
    expect(res.status).toBe(200);
  });

  it("makes another organization's portal look absent: 404 on GET and DELETE, never listed, PUT creates its own", async () => {
    await service.rest('PUT', '/billing-portals/b-private', { body: portalBody({ name: 'B secret' }), key: ORG_B.key });
    expect((await service.rest('GET', '/billing-portals/b-private')).status).toBe(404);
    expect((await service.rest('DELETE', '/billing-portals/b-private')).status).toBe(404);
    const list = await service.rest('GET', '/billing-portals?limit=1000');
    expect(list.body.some((p: { id: string }) => p.id === 'b-private')).toBe(false);
    const own = await service.rest('PUT', '/billing-portals/b-private', { body: portalBody() });
    expect(own.status).toBe(201);
    const stillB = await service.rest('GET', '/billing-portals/b-private', { key: ORG_B.key });
    expect(stillB.body.name).toBe('B secret');
  });
});

describe('HTTP errors', () => {
  it('answers 405 with Allow for a method the path does not have', async () => {
    const item = await service.rest('PATCH', '/billing-portals/any', { body: {} });
    expect(item.status).toBe(405);
    expect(item.headers.get('allow')).toBe('GET, PUT, DELETE, HEAD');
    expect(item.body).toMatchObject({ status: 405 });
    const collection = await service.rest('PUT', '/billing-portals', { body: {} });
    expect(collection.status).toBe(405);
    expect(collection.headers.get('allow')).toBe('GET, POST, HEAD');
  });

  it.each([['application/x-www-form-urlencoded'], ['text/plain'], ['application/xml'], [undefined]])(
    'answers 415 for a body sent as %s, and stores nothing',
    async (contentType) => {
      for (const [method, path] of [
        ['PUT', '/billing-portals/not-json'],
        ['POST', '/billing-portals'],
      ]) {
        const res = await service.rest(method, path, {
          rawBody: JSON.stringify(portalBody()),
          headers: contentType ? { 'content-type': contentType } : {},
        });
        expect(res.status, `${method} ${path}`).toBe(415);
        expect(res.body).toMatchObject({ status: 415, title: 'Unsupported Media Type' });
      }
      expect(await service.portals.countDocuments({ id: 'not-json' })).toBe(0);
    },
  );

  it('answers 400 for malformed JSON and for an empty body', async () => {
    const malformed = await service.rest('PUT', '/billing-portals/bad-json', {
      rawBody: '{"name": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ status: 400, detail: 'The request body is not valid JSON.' });
    const empty = await service.rest('PUT', '/billing-portals/bad-json', {
      rawBody: '',
      headers: { 'content-type': 'application/json' },
    });
    expect(empty.status).toBe(400);
    expect(await service.portals.countDocuments({ id: 'bad-json' })).toBe(0);
  });

  it('answers 413 for a body over 1 MiB', async () => {
    const res = await service.rest('PUT', '/billing-portals/too-big', {
      body: portalBody({ name: 'x'.repeat(1024 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ status: 413 });
  });

  it('answers a malformed URL, an over-long id and oversized headers with problem bodies', async () => {
    const malformed = await service.rest('GET', '/billing-portals/%zz');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ status: 400, title: 'Bad Request' });
    const longId = 'L'.repeat(3000);
    expect((await service.rest('GET', `/billing-portals/${longId}`)).status).toBe(404);
    const longPut = await service.rest('PUT', `/billing-portals/${longId}`, { body: portalBody() });
    expect(longPut.status).toBe(422);
    expect(longPut.body.invalidFields).toEqual([{ field: 'id', message: 'must be at most 50 characters long' }]);
    const huge = await service.rest('GET', '/billing-portals', { headers: { 'x-padding': 'p'.repeat(20_000) } });
    expect(huge.status).toBe(431);
    expect(huge.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(huge.body).toMatchObject({ status: 431 });
  });

  it('answers 405 with Allow on every other route too', async () => {
    for (const [method, path, allow] of [
      ['POST', `/organizations/${ORG_A.organizationId}/storefront/billing-portals/x`, 'GET, HEAD'],
      ['DELETE', '/storefront/billing-portals/x', 'GET, HEAD'],
      ['POST', '/openapi.json', 'GET, HEAD'],
      ['DELETE', '/healthz', 'GET, HEAD'],
      ['PUT', '/readyz', 'GET, HEAD'],
      ['PUT', '/graphql', 'GET, POST, HEAD'],
      ['OPTIONS', '/graphql', 'GET, POST, HEAD'],
      ['DELETE', '/graphql', 'GET, POST, HEAD'],
    ]) {
      const res = await service.rest(method, path, { body: method === 'GET' ? undefined : {} });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('allow')).toBe(allow);
      expect(res.body).toMatchObject({ status: 405 });
    }
  });

  it('refuses conflicting or malformed credentials with 401', async () => {
    const conflicting = await service.rest('GET', '/billing-portals', {
      headers: { authorization: `Bearer ${ORG_B.key}` },
    });
    expect(conflicting.status).toBe(401);
    expect(conflicting.body.detail).toBe('REB-APIKEY and Authorization name different keys.');
    const same = await service.rest('GET', '/billing-portals', { headers: { authorization: `bearer ${ORG_A.key}` } });
    expect(same.status).toBe(200);
    const basic = await service.rest('GET', '/billing-portals', {
      key: null,
      headers: { authorization: 'Basic dXNlcjpwYXNz' },
    });
    expect(basic.status).toBe(401);
    expect(basic.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('refuses a body with a __proto__ key (400, nothing stored), and a Host that is no host name (400)', async () => {
    const res = await service.rest('PUT', '/billing-portals/proto', {
      rawBody: '{"websiteId":"w","slug":"proto-slug","name":"n","__proto__":{"admin":true}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 400 });
    expect(await service.portals.countDocuments({ id: 'proto' })).toBe(0);
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${service.url}/billing-portals`,
        { headers: { host: 'ex ample', 'REB-APIKEY': ORG_A.key } },
        (r) => {
          r.resume();
          resolve(r.statusCode!);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(400);
  });

  it('answers /graphql with a JSON error, not an empty body, for a body that is not JSON', async () => {
    const response = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'REB-APIKEY': ORG_A.key },
      body: '{ __typename }',
    });
    expect(response.status).toBe(415);
    expect(((await response.json()) as { errors: Array<{ message: string }> }).errors[0].message).toMatch(
      /application\/json/,
    );
  });

  it('answers /graphql bodies that are empty or not an operation with a 400 naming the problem', async () => {
    const cases: Array<[string, RegExp]> = [
      ['', /invalid JSON/],
      ['{"query": "{ __typename }"', /invalid JSON/],
      ['null', /expected to be object/],
      ['[]', /Batching is not supported/],
      ['{"query": "{ __typename }", "colour": "red"}', /Unexpected parameter "colour"/],
    ];
    for (const [body, message] of cases) {
      const response = await fetch(`${service.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'REB-APIKEY': ORG_A.key },
        body,
      });
      expect(response.status, body).toBe(400);
      expect(((await response.json()) as { errors: Array<{ message: string }> }).errors[0].message, body).toMatch(
        message,
      );
    }
  });

  it('answers 404 with a problem body for an unknown path', async () => {
    const res = await service.rest('GET', '/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ status: 404, title: 'Not Found' });
  });

  it('answers /healthz and /readyz', async () => {
    expect((await service.rest('GET', '/healthz', { key: null })).body).toEqual({
      status: 'ok',
      node: process.versions.node,
    });
    const ready = await service.rest('GET', '/readyz', { key: null });
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', dependencies: { database: 'ready' } });
  });
});
