import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portalBody, startService, type TestService } from './support/service.ts';

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(() => service.close());

describe('concurrent writes', () => {
  it('50 parallel PUTs of one new id end in exactly one 201 and 49 200s, and one document', async () => {
    const body = portalBody({ slug: 'raced-portal' });
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        service.rest('PUT', '/billing-portals/raced', { body: { ...body, name: `writer ${i}` } }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(49);
    expect(await service.portals.countDocuments({ id: 'raced' })).toBe(1);
    const createdTimes = new Set(responses.map((r) => r.body.createdTime));
    expect(createdTimes.size).toBe(1);
    const stored = await service.rest('GET', '/billing-portals/raced');
    expect(responses.map((r) => r.body.name)).toContain(stored.body.name);
  });

  it('two portals racing for one slug end in one success and one 422 on slug', async () => {
    for (let round = 0; round < 5; round++) {
      const slug = `contested-${round}`;
      const [a, b] = await Promise.all([
        service.rest('PUT', `/billing-portals/racer-a-${round}`, { body: portalBody({ slug }) }),
        service.rest('PUT', `/billing-portals/racer-b-${round}`, { body: portalBody({ slug }) }),
      ]);
      const statuses = [a.status, b.status].sort();
      expect(statuses).toEqual([201, 422]);
      const loser = a.status === 422 ? a : b;
      expect(loser.body.invalidFields).toEqual([
        { field: 'slug', message: 'is already used by another billing portal' },
      ]);
      expect(await service.portals.countDocuments({ 'lookup.slug': slug })).toBe(1);
    }
  });
});
