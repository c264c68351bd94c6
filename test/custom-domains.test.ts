/**
 * Custom domains an organization has proven it owns: setting one starts a verification that shows the
 * TXT record to publish; a check through a real DNS server on loopback (DNS_SERVERS) verifies it; only a
 * verified domain is served by the storefront, for one organization at most, whatever the interleaving.
 * Both doors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from './support/dns-server.ts';
import { GetPortalDomain, VerifyPortalDomain } from './support/operations.ts';
import { ORG_A, ORG_B, portalBody, startService, type TestService } from './support/service.ts';
import { storefrontGet } from './support/storefront.ts';

let dns: TestDnsServer;
let service: TestService;
beforeAll(async () => {
  dns = await startDnsServer();
  // One short attempt: a server that never answers fails the check quickly.
  service = await startService({
    dns: { servers: [dns.address], timeoutMs: 250, tries: 1 },
    settings: { writesPerMinute: 0 },
  });
});
afterAll(async () => {
  await service?.close();
  await dns?.close();
});

type Org = typeof ORG_A | typeof ORG_B;

const recordName = (domain: string) => `_billing-portal-verification.${domain}`;
const publish = (domain: string, ...values: string[]) => dns.txt.set(recordName(domain), values);
const storefront = (slug: string, host: string) =>
  storefrontGet(service.url, `/storefront/billing-portals/${slug}`, host);

/** PUTs a portal (REST) and answers its body. */
async function put(org: Org, id: string, overrides: Record<string, unknown>) {
  const res = await service.rest('PUT', `/billing-portals/${id}`, { body: portalBody(overrides), key: org.key });
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  return res.body;
}

const verifyRest = (org: Org, id: string) =>
  service.rest('POST', `/billing-portals/${id}/custom-domain/verification`, { key: org.key });
const verifyGraphQL = async (org: Org, id: string) =>
  (await service.graphql(VerifyPortalDomain, { id }, { key: org.key })).data!.verifyBillingPortalDomain;
const readRest = async (org: Org, id: string) =>
  (await service.rest('GET', `/billing-portals/${id}`, { key: org.key })).body;

/** Sets up a portal whose domain is verified for `org` (its record published), serving `slug`. */
async function verifiedPortal(org: Org, id: string, domain: string, slug: string) {
  const portal = await put(org, id, { slug, customDomain: domain });
  publish(domain, portal.customDomainVerification.recordValue);
  expect((await verifyRest(org, id)).status).toBe(200);
  return portal;
}

describe('setting a custom domain', () => {
  it('starts a pending verification showing the TXT record to publish, at both doors; nothing is served', async () => {
    const portal = await put(ORG_A, 'pending-1', { slug: 'pending-shop', customDomain: 'Pay.Pending.Example' });
    expect(portal.customDomainVerification).toEqual({
      status: 'pending',
      recordType: 'TXT',
      recordName: '_billing-portal-verification.pay.pending.example',
      recordValue: expect.stringMatching(/^bpv1-[\w-]{32}$/),
      checkedTime: null,
      failureReason: null,
    });
    const read = await service.graphql(GetPortalDomain, { id: 'pending-1' });
    expect(read.data!.billingPortal!.customDomainVerification).toEqual({
      ...portal.customDomainVerification,
      status: 'PENDING',
    });
    expect((await storefront('pending-shop', 'pay.pending.example')).status).toBe(404);
    // Without a custom domain there is nothing to verify.
    expect((await put(ORG_A, 'no-domain', {})).customDomainVerification).toBeNull();
  });

  it('gives each organization its own token; portals of one organization on one domain share theirs', async () => {
    const a1 = await put(ORG_A, 'tokens-a1', { customDomain: 'tokens.example.com' });
    const a2 = await put(ORG_A, 'tokens-a2', { customDomain: 'tokens.example.com' });
    const b = await put(ORG_B, 'tokens-b', { customDomain: 'tokens.example.com' });
    expect(a2.customDomainVerification.recordValue).toBe(a1.customDomainVerification.recordValue);
    expect(b.customDomainVerification.recordValue).not.toBe(a1.customDomainVerification.recordValue);
  });

  it('cannot be marked verified by a client: the fields are read-only at both doors', async () => {
    const portal = await put(ORG_A, 'read-only-v', { customDomain: 'readonly.example.com' });
    const echoed = { ...portal, customDomainVerification: { ...portal.customDomainVerification, status: 'verified' } };
    const res = await service.rest('PUT', '/billing-portals/read-only-v', { body: echoed });
    expect(res.status).toBe(200);
    expect(res.body.customDomainVerification.status).toBe('pending');
    const viaGraphQL = await service.rest('PUT', '/billing-portals/read-only-v', {
      body: { ...portalBody(), customDomainVerification: 'x' },
    });
    expect(viaGraphQL.body.customDomainVerification).toBeNull();
  });
});

describe('verifying a custom domain', () => {
  it('REST: verified when the TXT record holds the token; the storefront then serves the domain', async () => {
    const portal = await put(ORG_A, 'rest-ok', { slug: 'rest-ok-shop', customDomain: 'pay.rest-ok.example' });
    publish('pay.rest-ok.example', 'v=spf1 -all', portal.customDomainVerification.recordValue);
    const res = await verifyRest(ORG_A, 'rest-ok');
    expect(res.status).toBe(200);
    expect(res.body.customDomainVerification).toMatchObject({
      status: 'verified',
      checkedTime: expect.stringMatching(/Z$/),
      failureReason: null,
    });
    expect(res.headers.get('etag')).toBe(`"${res.body.revision}"`);
    expect(res.body.revision).not.toBe(portal.revision);
    expect((await readRest(ORG_A, 'rest-ok')).customDomainVerification.status).toBe('verified');
    const served = await storefront('rest-ok-shop', 'PAY.rest-ok.example:443');
    expect(served.status).toBe(200);
    expect(served.body.id).toBe('rest-ok');
    expect((await storefront('rest-ok-shop', 'other.example')).status).toBe(404);
    // Verifying again is harmless.
    expect((await verifyRest(ORG_A, 'rest-ok')).status).toBe(200);
  });

  it('GraphQL: verifyBillingPortalDomain answers the portal with its domain VERIFIED', async () => {
    const portal = await put(ORG_B, 'gql-ok', { slug: 'gql-ok-shop', customDomain: 'pay.gql-ok.example' });
    publish('pay.gql-ok.example', portal.customDomainVerification.recordValue);
    const result = await verifyGraphQL(ORG_B, 'gql-ok');
    expect(result.__typename).toBe('VerifyBillingPortalDomainSuccess');
    if (result.__typename !== 'VerifyBillingPortalDomainSuccess') return;
    expect(result.billingPortal.customDomainVerification).toMatchObject({ status: 'VERIFIED', failureReason: null });
    expect((await storefront('gql-ok-shop', 'pay.gql-ok.example')).body.id).toBe('gql-ok');
  });

  it('a wrong token fails with a reason at both doors, recorded, not served; the right one verifies', async () => {
    const domain = 'wrong.example.com';
    const portal = await put(ORG_A, 'wrong-token', { slug: 'wrong-shop', customDomain: domain });
    publish(domain, 'bpv1-not-this-one');
    const rest = await verifyRest(ORG_A, 'wrong-token');
    expect(rest.status).toBe(422);
    expect(rest.body.invalidFields).toEqual([
      { field: 'customDomain', message: expect.stringContaining("does not hold this claim's token") },
    ]);
    const graphQL = await verifyGraphQL(ORG_A, 'wrong-token');
    expect(graphQL).toMatchObject({
      __typename: 'DomainVerificationFailedError',
      domain,
      reason: expect.stringContaining(`TXT record at ${recordName(domain)}`),
    });
    expect((await readRest(ORG_A, 'wrong-token')).customDomainVerification).toMatchObject({
      status: 'failed',
      checkedTime: expect.any(String),
      failureReason: expect.stringContaining("does not hold this claim's token"),
    });
    expect((await storefront('wrong-shop', domain)).status).toBe(404);

    publish(domain, portal.customDomainVerification.recordValue);
    expect((await verifyRest(ORG_A, 'wrong-token')).body.customDomainVerification.status).toBe('verified');
    expect((await storefront('wrong-shop', domain)).status).toBe(200);
  });

  it.each([
    ['no such name (NXDOMAIN)', () => dns.txt.delete(recordName('none.example.com'))],
    ['a name without TXT records', () => publish('none.example.com')],
  ])('%s: failed, "no TXT record"', async (_case, setUp) => {
    setUp();
    await put(ORG_A, 'no-record', { customDomain: 'none.example.com' });
    const rest = await verifyRest(ORG_A, 'no-record');
    expect(rest.status).toBe(422);
    expect(rest.body.detail).toBe(
      `Custom domain "none.example.com" is not verified: no TXT record at ${recordName('none.example.com')}.`,
    );
    expect(await verifyGraphQL(ORG_A, 'no-record')).toMatchObject({ __typename: 'DomainVerificationFailedError' });
    expect((await readRest(ORG_A, 'no-record')).customDomainVerification.status).toBe('failed');
  });

  it.each([
    ['never answers (timeout)', (name: string) => dns.silent.add(name)],
    ['answers SERVFAIL', (name: string) => dns.servfail.add(name)],
  ])('DNS that %s: 503 / DnsUnavailableError, the domain stays pending, nothing changes', async (_case, breakDns) => {
    const domain = `down-${breakDns.length}-${_case.length}.example.com`;
    const portal = await put(ORG_A, 'dns-down', { customDomain: domain });
    publish(domain, portal.customDomainVerification.recordValue);
    breakDns(recordName(domain));
    const asked = dns.asked.length;
    const rest = await verifyRest(ORG_A, 'dns-down');
    expect(dns.asked.length).toBeGreaterThan(asked);
    expect(rest.status).toBe(503);
    expect(rest.headers.get('retry-after')).toBe('5');
    expect(rest.body.detail).toContain(`DNS did not answer for custom domain "${domain}"; nothing was changed`);
    expect(await verifyGraphQL(ORG_A, 'dns-down')).toMatchObject({ __typename: 'DnsUnavailableError', domain });
    expect(await readRest(ORG_A, 'dns-down')).toEqual(portal);
  });

  it('refuses a portal without a custom domain (422) and an unknown portal (404), at both doors', async () => {
    await put(ORG_A, 'plain', {});
    const rest = await verifyRest(ORG_A, 'plain');
    expect(rest.status).toBe(422);
    expect(rest.body.invalidFields).toEqual([
      { field: 'customDomain', message: expect.stringContaining('is not set') },
    ]);
    expect(await verifyGraphQL(ORG_A, 'plain')).toMatchObject({ __typename: 'ValidationError' });
    expect((await verifyRest(ORG_A, 'nobody')).status).toBe(404);
    expect((await verifyRest(ORG_B, 'plain')).status).toBe(404);
    expect(await verifyGraphQL(ORG_A, 'nobody')).toMatchObject({ __typename: 'NotFoundError', id: 'nobody' });
    expect(
      (await service.rest('POST', '/billing-portals/plain/custom-domain/verification', { key: null })).status,
    ).toBe(401);
  });
});

describe('whose a domain is', () => {
  it("takeover: a released domain is 404 for its next claimant until it verifies; A's record won't do", async () => {
    const domain = 'billing.a-corp.example';
    await verifiedPortal(ORG_A, 'a-billing', domain, 'billing');
    expect((await storefront('billing', domain)).body.id).toBe('a-billing');

    // A stops using the domain (a full replacement without customDomain); B claims it at once.
    await put(ORG_A, 'a-billing', { slug: 'billing' });
    expect((await storefront('billing', domain)).status).toBe(404);
    const terms = 'https://b-corp.example/terms';
    const b = await put(ORG_B, 'b-billing', {
      slug: 'billing',
      customDomain: domain,
      customization: { links: { termsOfService: terms } },
    });
    expect(b.customDomainVerification.status).toBe('pending');
    expect((await storefront('billing', domain)).status).toBe(404);

    // DNS still holds A's record: it proves nothing for B, at either door.
    expect((await verifyRest(ORG_B, 'b-billing')).status).toBe(422);
    expect(await verifyGraphQL(ORG_B, 'b-billing')).toMatchObject({ __typename: 'DomainVerificationFailedError' });
    expect((await storefront('billing', domain)).status).toBe(404);

    // Once B publishes its own record, B's portal is served.
    publish(domain, b.customDomainVerification.recordValue);
    expect((await verifyRest(ORG_B, 'b-billing')).status).toBe(200);
    const served = await storefront('billing', domain);
    expect(served.body.id).toBe('b-billing');
    expect(served.body.customization.links.termsOfService).toBe(terms);

    // A claiming the domain back gets a new token, and cannot take it from B.
    const back = await put(ORG_A, 'a-billing', { slug: 'billing', customDomain: domain });
    expect(back.customDomainVerification.status).toBe('pending');
    publish(domain, b.customDomainVerification.recordValue, back.customDomainVerification.recordValue);
    expect((await verifyRest(ORG_A, 'a-billing')).body.invalidFields[0].message).toContain(
      'another organization has verified this domain',
    );
    expect((await storefront('billing', domain)).body.id).toBe('b-billing');
  });

  it("changing a portal's domain shows the new domain pending and releases the old one", async () => {
    await verifiedPortal(ORG_A, 'mover', 'old.mover.example', 'mover');
    const moved = await put(ORG_A, 'mover', { slug: 'mover', customDomain: 'new.mover.example' });
    expect(moved.customDomainVerification).toMatchObject({
      status: 'pending',
      recordName: recordName('new.mover.example'),
    });
    expect((await storefront('mover', 'new.mover.example')).status).toBe(404);
    expect((await storefront('mover', 'old.mover.example')).status).toBe(404);
    // Coming back is a new claim: a new token, to be verified again.
    const back = await put(ORG_A, 'mover', { slug: 'mover', customDomain: 'old.mover.example' });
    expect(back.customDomainVerification.status).toBe('pending');
    expect((await storefront('mover', 'old.mover.example')).status).toBe(404);
    expect((await verifyRest(ORG_A, 'mover')).status).toBe(422);
  });

  it('a pending claim never takes traffic from a verified one, and squatting a domain blocks nobody', async () => {
    await verifiedPortal(ORG_A, 'held', 'held.example.com', 'held-shop');
    const squat = await put(ORG_B, 'held-squat', { slug: 'held-shop', customDomain: 'held.example.com' });
    expect((await storefront('held-shop', 'held.example.com')).body.id).toBe('held');
    publish('held.example.com', squat.customDomainVerification.recordValue);
    expect(await verifyGraphQL(ORG_B, 'held-squat')).toMatchObject({
      __typename: 'DomainVerificationFailedError',
      reason: 'another organization has verified this domain',
    });
    expect((await storefront('held-shop', 'held.example.com')).body.id).toBe('held');

    // B claims a domain first and never proves it: A, who controls its DNS, still can.
    await put(ORG_B, 'squatter', { slug: 'squatted', customDomain: 'squatted.example.com' });
    await verifiedPortal(ORG_A, 'rightful', 'squatted.example.com', 'squatted');
    expect((await storefront('squatted', 'squatted.example.com')).body.id).toBe('rightful');
  });

  it('deleting the last portal on a domain releases it: not served, another organization may verify it', async () => {
    await verifiedPortal(ORG_A, 'deleted', 'deleted.example.com', 'deleted-shop');
    expect((await service.rest('DELETE', '/billing-portals/deleted')).status).toBe(204);
    expect((await storefront('deleted-shop', 'deleted.example.com')).status).toBe(404);
    await verifiedPortal(ORG_B, 'after-delete', 'deleted.example.com', 'deleted-shop');
    expect((await storefront('deleted-shop', 'deleted.example.com')).body.id).toBe('after-delete');
  });

  it('claim race: 40 rounds of concurrent claims, releases and verifications: one organization at most', async () => {
    let violations = 0;
    for (let round = 0; round < 40; round++) {
      const domain = `race-${round}.example.com`;
      const slug = `race-${round}`;
      // A holds the domain, verified; then releases it while B claims it and A claims it again.
      const a = await verifiedPortal(ORG_A, `race-a-${round}`, domain, slug);
      const [, b, again] = await Promise.all([
        put(ORG_A, `race-a-${round}`, { slug }),
        put(ORG_B, `race-b-${round}`, { slug, customDomain: domain }),
        put(ORG_A, `race-a2-${round}`, { slug: `${slug}-2`, customDomain: domain }),
      ]);
      // DNS proves every claim: only the claims' own atomicity can keep the domain to one organization.
      publish(
        domain,
        a.customDomainVerification.recordValue,
        b.customDomainVerification.recordValue,
        again.customDomainVerification.recordValue,
      );
      await Promise.all([
        verifyRest(ORG_B, `race-b-${round}`),
        verifyGraphQL(ORG_A, `race-a2-${round}`),
        verifyGraphQL(ORG_B, `race-b-${round}`),
        put(ORG_A, `race-a-${round}`, { slug, customDomain: domain }),
        verifyRest(ORG_A, `race-a-${round}`),
      ]);
      const shown = await Promise.all([
        readRest(ORG_A, `race-a-${round}`),
        readRest(ORG_A, `race-a2-${round}`),
        readRest(ORG_B, `race-b-${round}`),
      ]);
      const verifiedOrgs = new Set(
        shown.flatMap((portal, i) =>
          portal.customDomainVerification?.status === 'verified' ? [i < 2 ? 'A' : 'B'] : [],
        ),
      );
      const served = await Promise.all([storefront(slug, domain), storefront(`${slug}-2`, domain)]);
      const servedOrgs = new Set(
        served.flatMap((res) => (res.status === 200 ? [String(res.body.id).startsWith('race-b') ? 'B' : 'A'] : [])),
      );
      const claims = await service.db.collection('domainClaims').countDocuments({ domain, status: 'verified' });
      const servedUnverified = [...servedOrgs].some((org) => !verifiedOrgs.has(org));
      if (verifiedOrgs.size > 1 || servedOrgs.size > 1 || claims > 1 || servedUnverified) violations++;
    }
    expect(violations).toBe(0);
  }, 120_000);
});
