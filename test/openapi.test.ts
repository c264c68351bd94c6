import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from './support/dns-server.ts';
import { ORG_A, ORG_B, portalBody, startService, type RestResponse, type TestService } from './support/service.ts';

let service: TestService;
let dns: TestDnsServer;
let document: any;
const ajv = new Ajv2020({ strict: false, allErrors: true });
// ajv-formats is CommonJS: its plugin is the module's default export.
(formats as unknown as { default: (instance: Ajv2020) => void }).default(ajv);

beforeAll(async () => {
  dns = await startDnsServer();
  service = await startService({ dns: { servers: [dns.address], timeoutMs: 200, tries: 1 } });
  const response = await fetch(`${service.url}/openapi.json`);
  expect(response.status).toBe(200);
  document = await response.json();
});
afterAll(async () => {
  await service.close();
  await dns.close();
});

const checked = new Set<string>();

/** Asserts that a real response is one the document promises for this operation, body and headers. */
function conforms(pathTemplate: string, method: string, response: RestResponse) {
  const operation = document.paths[pathTemplate]?.[method];
  expect(operation, `${method} ${pathTemplate} is documented`).toBeDefined();
  let promised = operation.responses[String(response.status)];
  expect(promised, `${method} ${pathTemplate} documents ${response.status}`).toBeDefined();
  if (promised.$ref) promised = document.components.responses[promised.$ref.split('/').pop()];
  const contentType = response.headers.get('content-type')?.split(';')[0];
  if (promised.content) {
    const media = promised.content[contentType!];
    expect(media, `${response.status} is documented as ${contentType}`).toBeDefined();
    // The component references (#/components/schemas/…) resolve within this root.
    const validate = ajv.compile({ ...media.schema, components: { schemas: document.components.schemas } });
    expect(validate(response.body), JSON.stringify(validate.errors)).toBe(true);
  } else {
    expect(response.body).toBeUndefined();
  }
  for (const header of Object.keys(promised.headers ?? {})) {
    expect(response.headers.get(header), `${header} on ${response.status}`).not.toBeNull();
  }
  checked.add(`${method} ${pathTemplate} ${response.status}`);
}

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI document by swagger-parser, naming this service as its server', async () => {
    // validate() dereferences in place: give it a copy.
    await expect(SwaggerParser.validate(structuredClone(document))).resolves.toBeDefined();
    expect(document.servers).toEqual([{ url: service.url, description: 'this service' }]);
  });

  it('defines no response it does not use, and no regex beside a date-time format', () => {
    const text = JSON.stringify(document.paths);
    const unused = Object.keys(document.components.responses).filter(
      (name) => !text.includes(`"#/components/responses/${name}"`),
    );
    expect(unused).toEqual([]);
    const dateTimesWithPattern: string[] = [];
    JSON.stringify(document, (key, value) => {
      if (value?.format === 'date-time' && 'pattern' in value) dateTimesWithPattern.push(key);
      return value;
    });
    expect(dateTimesWithPattern).toEqual([]);
  });

  it('is an OpenAPI 3.1 document whose portal input schema is the validation schema the code runs', () => {
    expect(document.openapi).toBe('3.1.0');
    const input = document.components.schemas.BillingPortalInput;
    expect(input.required).toEqual(['websiteId', 'slug', 'name']);
    expect(input.additionalProperties).toBe(false);
    expect(input.properties.slug).toMatchObject({ minLength: 5, maxLength: 100 });
    expect(input.properties.status.anyOf[0].enum).toEqual(['active', 'inactive']);
  });

  it('accepts, as a request body, a portal read back with its read-only fields (GET, change, PUT back)', async () => {
    const created = await service.rest('PUT', '/billing-portals/round-trip', { body: portalBody() });
    const validate = ajv.compile({
      ...document.components.schemas.BillingPortalInput,
      components: document.components,
    });
    expect(validate({ ...created.body, name: 'changed' }), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...created.body, colour: 'red' })).toBe(false);
  });

  it('describes the real responses of every REST operation', async () => {
    const org = `/organizations/${ORG_A.organizationId}/billing-portals`;
    const put = await service.rest('PUT', '/billing-portals/doc-1', {
      body: portalBody({ slug: 'doc-one', customDomain: 'doc.example.com' }),
    });
    conforms('/billing-portals/{id}', 'put', put);
    conforms(
      '/billing-portals/{id}',
      'put',
      await service.rest('PUT', '/billing-portals/doc-1', { body: portalBody({ slug: 'doc-one' }) }),
    );
    conforms(
      '/billing-portals/{id}',
      'put',
      await service.rest('PUT', '/billing-portals/doc-2', { body: { name: 1 } }),
    );
    conforms(
      '/billing-portals/{id}',
      'put',
      await service.rest('PUT', '/billing-portals/doc-2', {
        rawBody: '{',
        headers: { 'content-type': 'application/json' },
      }),
    );
    conforms(
      '/billing-portals/{id}',
      'put',
      await service.rest('PUT', '/billing-portals/doc-2', { rawBody: 'x', headers: { 'content-type': 'text/plain' } }),
    );
    conforms(
      '/billing-portals/{id}',
      'put',
      await service.rest('PUT', '/billing-portals/doc-2', { body: portalBody({ name: 'x'.repeat(1_100_000) }) }),
    );
    conforms(
      '/billing-portals/{id}',
      'put',
      await service.rest('PUT', '/billing-portals/doc-2', { body: portalBody(), key: null }),
    );
    conforms('/billing-portals', 'post', await service.rest('POST', '/billing-portals', { body: portalBody() }));
    conforms('/billing-portals', 'post', await service.rest('POST', '/billing-portals', { body: {} }));
    conforms('/billing-portals/{id}', 'get', await service.rest('GET', '/billing-portals/doc-1'));
    conforms('/billing-portals/{id}', 'get', await service.rest('GET', '/billing-portals/absent'));
    conforms('/billing-portals', 'get', await service.rest('GET', '/billing-portals?limit=5'));
    conforms('/billing-portals', 'get', await service.rest('GET', '/billing-portals?limit=5000'));
    conforms('/billing-portals/{id}', 'delete', await service.rest('DELETE', '/billing-portals/doc-1'));
    conforms('/billing-portals/{id}', 'delete', await service.rest('DELETE', '/billing-portals/doc-1'));
    conforms(
      '/organizations/{organizationId}/billing-portals/{id}',
      'put',
      await service.rest('PUT', `${org}/doc-3`, { body: portalBody() }),
    );
    conforms('/organizations/{organizationId}/billing-portals', 'get', await service.rest('GET', org));
    conforms(
      '/organizations/{organizationId}/billing-portals',
      'get',
      await service.rest('GET', `/organizations/${ORG_B.organizationId}/billing-portals`),
    );
    const storefrontPath = '/organizations/{organizationId}/storefront/billing-portals/{slug}';
    conforms(
      storefrontPath,
      'get',
      await service.rest('GET', `/organizations/${ORG_A.organizationId}/storefront/billing-portals/${put.body.slug}`, {
        key: null,
      }),
    );
    await service.rest('PUT', '/billing-portals/doc-4', { body: portalBody({ slug: 'doc-four' }) });
    conforms(
      storefrontPath,
      'get',
      await service.rest('GET', `/organizations/${ORG_A.organizationId}/storefront/billing-portals/doc-four`, {
        key: null,
      }),
    );
    conforms(
      storefrontPath,
      'get',
      await service.rest('GET', `/organizations/${ORG_A.organizationId}/storefront/billing-portals/none`, {
        key: null,
      }),
    );
    conforms(
      '/storefront/billing-portals/{slug}',
      'get',
      await service.rest('GET', '/storefront/billing-portals/none', { key: null }),
    );

    const verification = '/billing-portals/{id}/custom-domain/verification';
    const verify = (id: string) => service.rest('POST', `/billing-portals/${id}/custom-domain/verification`);
    const claimed = await service.rest('PUT', '/billing-portals/doc-5', {
      body: portalBody({ customDomain: 'doc5.example.com' }),
    });
    conforms(verification, 'post', await verify('doc-5'));
    dns.silent.add('_billing-portal-verification.doc5.example.com');
    conforms(verification, 'post', await verify('doc-5'));
    dns.silent.clear();
    dns.txt.set('_billing-portal-verification.doc5.example.com', [claimed.body.customDomainVerification.recordValue]);
    conforms(verification, 'post', await verify('doc-5'));
    conforms(verification, 'post', await verify('absent'));
    conforms(
      '/organizations/{organizationId}/billing-portals/{id}/custom-domain/verification',
      'post',
      await service.rest('POST', `${org}/doc-3/custom-domain/verification`),
    );

    expect([...checked].sort(), [...checked].join('\n')).toEqual(
      expect.arrayContaining([
        'put /billing-portals/{id} 200',
        'put /billing-portals/{id} 201',
        'put /billing-portals/{id} 400',
        'put /billing-portals/{id} 401',
        'put /billing-portals/{id} 413',
        'put /billing-portals/{id} 415',
        'put /billing-portals/{id} 422',
        'post /billing-portals 201',
        'post /billing-portals 422',
        'get /billing-portals/{id} 200',
        'get /billing-portals/{id} 404',
        'get /billing-portals 200',
        'get /billing-portals 400',
        'delete /billing-portals/{id} 204',
        'delete /billing-portals/{id} 404',
        'get /organizations/{organizationId}/billing-portals 403',
        'post /billing-portals/{id}/custom-domain/verification 200',
        'post /billing-portals/{id}/custom-domain/verification 404',
        'post /billing-portals/{id}/custom-domain/verification 422',
        'post /billing-portals/{id}/custom-domain/verification 503',
        'post /organizations/{organizationId}/billing-portals/{id}/custom-domain/verification 422',
      ]),
    );
  });
});
