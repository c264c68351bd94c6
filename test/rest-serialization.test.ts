/**
 * REST bodies are serialized from a schema that spells "X or null" as a type list rather than `anyOf`
 * (src/rest/json-schema.ts, forSerialization), which spares a validation per response. These tests hold
 * it to the plain schema's output, byte for byte: for real responses, and for every combination of the
 * nullable fields.
 */
import fastJsonStringify from 'fast-json-stringify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyEntrySchema } from '../src/rest/history-resource.ts';
import { jsonSchemaOf } from '../src/rest/json-schema.ts';
import { portalResourceSchema } from '../src/rest/resource.ts';
import { HISTORY_ENTRY_JSON_SCHEMA, RESOURCE_JSON_SCHEMA } from '../src/rest/routes.ts';
import { portalBody, startService, type TestService } from './support/service.ts';

const plainResource = fastJsonStringify(jsonSchemaOf(portalResourceSchema, 'output'));
const servedResource = fastJsonStringify(RESOURCE_JSON_SCHEMA);
const plainEntry = fastJsonStringify(jsonSchemaOf(historyEntrySchema, 'output'));
const servedEntry = fastJsonStringify(HISTORY_ENTRY_JSON_SCHEMA);

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(() => service.close());

const LINKS = {
  termsOfService: 'https://example.com/terms',
  privacyPolicy: 'https://example.com/privacy',
  refundPolicy: 'http://example.com/refunds',
};

describe('REST serialization', () => {
  it('serves what the plain schema writes: one portal, a list, a history', async () => {
    const full = portalBody({
      slug: 'serialized-full',
      customDomain: 'Pay.Serialized.Example',
      customization: { logoId: 'file_1', colors: { primary: 'AABBCC', secondary: null }, links: LINKS },
    });
    const bare = portalBody({ slug: 'serialized-bare' });
    expect((await service.rest('PUT', '/billing-portals/ser-full', { body: full })).status).toBe(201);
    expect((await service.rest('PUT', '/billing-portals/ser-bare', { body: bare })).status).toBe(201);
    expect((await service.rest('PUT', '/billing-portals/ser-bare', { body: { ...bare, name: 'again' } })).status).toBe(
      200,
    );

    for (const id of ['ser-full', 'ser-bare']) {
      const read = await service.rest('GET', `/billing-portals/${id}`);
      expect(read.status).toBe(200);
      expect(read.text).toBe(plainResource(JSON.parse(read.text)));
    }
    const full2 = JSON.parse((await service.rest('GET', '/billing-portals/ser-full')).text);
    expect(full2.customDomainVerification).toMatchObject({ status: 'pending', checkedTime: null });
    expect(full2.customization.links).toEqual(LINKS);

    const list = await service.rest('GET', '/billing-portals?limit=100');
    expect(list.status).toBe(200);
    const listed = JSON.parse(list.text) as unknown[];
    expect(listed.length).toBeGreaterThanOrEqual(2);
    expect(list.text).toBe(`[${listed.map((portal) => plainResource(portal)).join(',')}]`);

    const history = await service.rest('GET', '/billing-portals/ser-bare/history');
    expect(history.status).toBe(200);
    const entries = JSON.parse(history.text) as unknown[];
    expect(entries).toHaveLength(2);
    expect(history.text).toBe(`[${entries.map((entry) => plainEntry(entry)).join(',')}]`);
  });

  it('writes every combination of the nullable fields as the plain schema does', async () => {
    const portal = JSON.parse((await service.rest('GET', '/billing-portals/ser-full')).text);
    const verifications = [
      null,
      portal.customDomainVerification,
      { ...portal.customDomainVerification, status: 'failed', checkedTime: '2026-12-01T10:00:00.000Z' },
      { ...portal.customDomainVerification, status: 'failed', failureReason: 'No TXT record found.' },
    ];
    const linkSets = [
      { termsOfService: null, privacyPolicy: null, refundPolicy: null },
      LINKS,
      { ...LINKS, privacyPolicy: null },
    ];
    for (const customDomainVerification of verifications) {
      for (const links of linkSets) {
        const resource = { ...portal, customDomainVerification, customization: { ...portal.customization, links } };
        expect(servedResource(resource)).toBe(plainResource(resource));
      }
    }
    const entry = JSON.parse((await service.rest('GET', '/billing-portals/ser-bare/history')).text)[0];
    for (const variant of [entry, { ...entry, portal: null }, { ...entry, apiKeyName: null }]) {
      expect(servedEntry(variant)).toBe(plainEntry(variant));
    }
  });
});
