import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG_B, startService, type TestService } from './support/service.ts';

let service: TestService;

/** Eight portals of org A over two websites, written in order, so createdTime increases with the index. */
const SEED = Array.from({ length: 8 }, (_, i) => ({
  id: `list-${i}`,
  body: {
    websiteId: i % 2 === 0 ? 'Web-Even' : 'web-odd',
    slug: `slug-${i}-${i % 3 === 0 ? 'three' : 'other'}`,
    name: i === 5 ? 'Spring SALE portal' : `Portal ${i}`,
    status: i === 7 ? 'inactive' : 'active',
    customDomain: i === 2 ? 'pay.example.com' : null,
  },
}));
const created: Record<string, string> = {};

beforeAll(async () => {
  service = await startService();
  for (const { id, body } of SEED) {
    const res = await service.rest('PUT', `/billing-portals/${id}`, { body });
    created[id] = res.body.createdTime;
    // distinct creation times, so the order does not depend on the id tie-breaker alone
    while (Date.now() <= Date.parse(res.body.createdTime)) await new Promise((r) => setImmediate(r));
  }
  await service.rest('PUT', '/billing-portals/list-foreign', { body: SEED[0].body, key: ORG_B.key });
});
afterAll(() => service.close());

const ids = (body: Array<{ id: string }>) => body.map((p) => p.id);

describe('GET /billing-portals', () => {
  it("lists newest first by default, with the pagination headers, only the caller's portals", async () => {
    const res = await service.rest('GET', '/billing-portals');
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual(SEED.map((s) => s.id).reverse());
    expect(res.headers.get('pagination-total')).toBe('8');
    expect(res.headers.get('pagination-limit')).toBe('100');
    expect(res.headers.get('pagination-offset')).toBe('0');
  });

  it('pages with limit and offset', async () => {
    const res = await service.rest('GET', '/billing-portals?limit=3&offset=2&sort=createdTime');
    expect(ids(res.body)).toEqual(['list-2', 'list-3', 'list-4']);
    expect(res.headers.get('pagination-total')).toBe('8');
    expect(res.headers.get('pagination-limit')).toBe('3');
    expect(res.headers.get('pagination-offset')).toBe('2');
    const empty = await service.rest('GET', '/billing-portals?limit=0');
    expect(empty.body).toEqual([]);
    expect(empty.headers.get('pagination-total')).toBe('8');
  });

  it('sorts by updatedTime after an update', async () => {
    await service.rest('PUT', '/billing-portals/list-0', { body: SEED[0].body });
    const res = await service.rest('GET', '/billing-portals?sort=-updatedTime&limit=1');
    expect(ids(res.body)).toEqual(['list-0']);
  });

  it('filters exactly and case-insensitively, with OR of values, AND of fields and negation', async () => {
    const even = await service.rest('GET', '/billing-portals?filter=websiteId:web-even&sort=createdTime');
    expect(ids(even.body)).toEqual(['list-0', 'list-2', 'list-4', 'list-6']);
    const both = await service.rest('GET', '/billing-portals?filter=websiteId:WEB-EVEN,web-odd;status:inactive');
    expect(ids(both.body)).toEqual(['list-7']);
    const notInactive = await service.rest('GET', '/billing-portals?filter=status:!inactive');
    expect(ids(notInactive.body)).not.toContain('list-7');
    expect(notInactive.headers.get('pagination-total')).toBe('7');
    const domain = await service.rest('GET', '/billing-portals?filter=customDomain:PAY.example.com');
    expect(ids(domain.body)).toEqual(['list-2']);
    const slug = await service.rest('GET', '/billing-portals?filter=slug:SLUG-3-THREE');
    expect(ids(slug.body)).toEqual(['list-3']);
  });

  it('filters createdTime by instant and by ranges', async () => {
    const from = created['list-5'];
    const to = created['list-6'];
    const range = await service.rest('GET', `/billing-portals?filter=createdTime:${from}..${to}&sort=createdTime`);
    expect(ids(range.body)).toEqual(['list-5', 'list-6']);
    const open = await service.rest('GET', `/billing-portals?filter=createdTime:${from}..&sort=createdTime`);
    expect(ids(open.body)).toEqual(['list-5', 'list-6', 'list-7']);
    const upTo = await service.rest(
      'GET',
      `/billing-portals?filter=createdTime:..${created['list-1']}&sort=createdTime`,
    );
    expect(ids(upTo.body)).toEqual(['list-0', 'list-1']);
    const exact = await service.rest('GET', `/billing-portals?filter=createdTime:${created['list-3']}`);
    expect(ids(exact.body)).toEqual(['list-3']);
    const outside = await service.rest(
      'GET',
      `/billing-portals?filter=createdTime:!..${created['list-5']}&sort=createdTime`,
    );
    expect(ids(outside.body)).toEqual(['list-6', 'list-7']);
  });

  it('reads a bare date as its whole UTC day, at either end of a range', async () => {
    const day = created['list-0'].slice(0, 10);
    const next = new Date(Date.parse(day) + 86_400_000).toISOString().slice(0, 10);
    // (the seed may straddle midnight: count what was really created on that day)
    const onDay = String(Object.values(created).filter((t) => t.startsWith(day)).length);
    const total = async (filter: string) =>
      (await service.rest('GET', `/billing-portals?filter=${filter}`)).headers.get('pagination-total');
    expect(await total(`createdTime:${day}`)).toBe(onDay);
    expect(await total(`createdTime:..${day}`)).toBe(onDay);
    expect(await total(`createdTime:${day}..${day}`)).toBe(onDay);
    expect(await total(`createdTime:${next}..`)).toBe(String(8 - Number(onDay)));
  });

  it('searches name, slug and customDomain with q, case-insensitively', async () => {
    expect(ids((await service.rest('GET', '/billing-portals?q=sale')).body)).toEqual(['list-5']);
    expect(ids((await service.rest('GET', '/billing-portals?q=THREE&sort=createdTime')).body)).toEqual([
      'list-0',
      'list-3',
      'list-6',
    ]);
    expect(ids((await service.rest('GET', '/billing-portals?q=example.com')).body)).toEqual(['list-2']);
    expect(ids((await service.rest('GET', '/billing-portals?q=.*')).body)).toEqual([]);
  });

  it.each([
    ['limit=1001', 'limit', 'must be at most 1000'],
    ['limit=-1', 'limit', 'must be a whole number'],
    ['limit=ten', 'limit', 'must be a whole number'],
    ['offset=1.5', 'offset', 'must be a whole number'],
    ['sort=name', 'sort', expect.stringContaining('is not a sort key')],
    ['sort=createdTime,-createdTime', 'sort', 'names a field twice'],
    ['filter=name:x', 'filter', expect.stringContaining('cannot be filtered on')],
    ['filter=websiteId:', 'filter', expect.stringContaining('empty value')],
    ['filter=status:paused', 'filter', expect.stringContaining('is not a status')],
    ['filter=createdTime:yesterday', 'filter', expect.stringContaining('is not a date-time')],
    ['filter=createdTime:2026-02-30..', 'filter', expect.stringContaining('"2026-02-30" is not a date-time')],
    ['filter=updatedTime:2026-11-25T25:00:00Z', 'filter', expect.stringContaining('is not a date-time')],
    ['filter=createdTime:2026-02-01..2026-01-01', 'filter', expect.stringContaining('ends before it starts')],
    ['fitler=status:active', 'fitler', expect.stringContaining('is not a parameter')],
    ['limit=1&limit=2', 'limit', 'must be given once'],
    [`q=${'q'.repeat(256)}`, 'q', 'must be at most 255 characters long'],
  ])('answers 400 with invalidFields for %s', async (query, field, message) => {
    const res = await service.rest('GET', `/billing-portals?${query}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 400, title: 'Bad Request' });
    expect(res.body.invalidFields).toEqual([{ field, message }]);
  });
});

describe('large pages', () => {
  it('returns every portal of a page larger than one database batch (101 documents)', async () => {
    const many = Array.from({ length: 130 }, (_, i) => `many-${String(i).padStart(3, '0')}`);
    for (let i = 0; i < many.length; i += 10) {
      await Promise.all(
        many.slice(i, i + 10).map((id) =>
          service.rest('PUT', `/billing-portals/${id}`, {
            key: ORG_B.key,
            body: { websiteId: 'web-many', slug: id, name: id },
          }),
        ),
      );
    }
    const page = await service.rest('GET', '/billing-portals?filter=websiteId:web-many&sort=createdTime&limit=1000', {
      key: ORG_B.key,
    });
    expect(page.body).toHaveLength(130);
    expect(new Set(ids(page.body))).toEqual(new Set(many));
    expect(page.headers.get('pagination-total')).toBe('130');
    const rest = await service.rest('GET', '/billing-portals?filter=websiteId:web-many&limit=200&offset=5', {
      key: ORG_B.key,
    });
    expect(rest.body).toHaveLength(125);
  });
});
