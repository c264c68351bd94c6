/**
 * Races on one resource: every answer is a documented code, and the final state is one that some
 * serial order of the acknowledged requests would produce.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCALE } from '../support/reliability.ts';
import { portalBody, startService, type TestService } from '../support/service.ts';

let service: TestService;
beforeAll(async () => {
  // The write budget (429) has its own tests; these races must all reach the store.
  service = await startService({ settings: { writesPerMinute: 1_000_000 } });
});
afterAll(() => service.close());

const withoutLinks = ({ _links, ...rest }: Record<string, unknown>) => rest;

describe('races', () => {
  it('parallel PUTs of one new id: one 201, the rest 200, one document equal to one acknowledged answer', async () => {
    for (let round = 0; round < 5 * SCALE; round++) {
      const id = `race-new-${round}`;
      const responses = await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          service.rest('PUT', `/billing-portals/${id}`, {
            body: portalBody({ slug: `race-new-slug-${round}`, name: `writer ${i}`, websiteId: `web-${i}` }),
          }),
        ),
      );
      const statuses = responses.map((r) => r.status);
      expect(
        statuses.every((s) => s === 200 || s === 201),
        `statuses ${statuses}`,
      ).toBe(true);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(await service.portals.countDocuments({ id })).toBe(1);
      // createdTime is set once, by the one request that created it.
      expect(new Set(responses.map((r) => r.body.createdTime)).size).toBe(1);
      // The stored portal is what one acknowledged write answered (the last one in a serial order).
      const stored = await service.rest('GET', `/billing-portals/${id}`);
      expect(responses.map((r) => JSON.stringify(withoutLinks(r.body)))).toContain(
        JSON.stringify(withoutLinks(stored.body)),
      );
    }
  });

  it('parallel PUTs of different new ids with one slug: exactly one wins, the others are 422 on slug', async () => {
    for (let round = 0; round < 5 * SCALE; round++) {
      const slug = `one-slug-${round}`;
      const ids = Array.from({ length: 12 }, (_, i) => `slug-race-${round}-${i}`);
      const responses = await Promise.all(
        ids.map((id) => service.rest('PUT', `/billing-portals/${id}`, { body: portalBody({ slug }) })),
      );
      const statuses = responses.map((r) => r.status);
      expect(
        statuses.every((s) => s === 201 || s === 422),
        `statuses ${statuses}`,
      ).toBe(true);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      for (const loser of responses.filter((r) => r.status === 422)) {
        expect(loser.body).toMatchObject({ status: 422, invalidFields: [{ field: 'slug' }] });
      }
      const winner = ids[statuses.indexOf(201)];
      const owners = await service.portals.find({ 'lookup.slug': slug }).toArray();
      expect(owners.map((d) => d.id)).toEqual([winner]);
      // No loser left a document behind.
      expect(await service.portals.countDocuments({ id: { $in: ids.filter((id) => id !== winner) } })).toBe(0);
    }
  });

  it('PUTs racing the owner of a slug: the owner keeps it, everyone else gets 422', async () => {
    const slug = 'owned-slug';
    expect(
      (await service.rest('PUT', '/billing-portals/slug-owner', { body: portalBody({ slug, name: 'owner v0' }) }))
        .status,
    ).toBe(201);
    const responses = await Promise.all([
      ...Array.from({ length: 8 }, (_, i) =>
        service.rest('PUT', `/billing-portals/slug-thief-${i}`, { body: portalBody({ slug: slug.toUpperCase() }) }),
      ),
      ...Array.from({ length: 4 }, (_, i) =>
        service.rest('PUT', '/billing-portals/slug-owner', { body: portalBody({ slug, name: `owner v${i + 1}` }) }),
      ),
    ]);
    expect(responses.slice(0, 8).map((r) => r.status)).toEqual(Array(8).fill(422));
    expect(responses.slice(8).map((r) => r.status)).toEqual(Array(4).fill(200));
    const owners = await service.portals.find({ 'lookup.slug': slug }).toArray();
    expect(owners.map((d) => d.id)).toEqual(['slug-owner']);
  });

  /*
   * PUT vs DELETE on one id. In any serial order, the portal's presence flips only through a 201
   * (absent → present) or a 204 (present → absent), so those two alternate. Starting present, the
   * number of 204s minus the number of 201s is 0 or 1, and the portal is absent at the end exactly
   * when it is 1; starting absent, 201s minus 204s is 0 or 1, present at the end exactly when 1.
   * A lost write, a phantom delete or a double create breaks these counts.
   */
  for (const initiallyPresent of [true, false]) {
    it(`PUT racing DELETE on one id (initially ${initiallyPresent ? 'present' : 'absent'}): the counts match a serial order`, async () => {
      const outcomes = { present: 0, absent: 0 };
      for (let round = 0; round < 20 * SCALE; round++) {
        const id = `put-delete-${initiallyPresent}-${round}`;
        const slug = `put-delete-slug-${initiallyPresent}-${round}`;
        if (initiallyPresent) {
          expect(
            (await service.rest('PUT', `/billing-portals/${id}`, { body: portalBody({ slug, name: 'initial' }) }))
              .status,
          ).toBe(201);
        }
        // Shuffled (deterministically per round) so that either kind can be the last to arrive.
        const operations = Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? 'PUT' : 'DELETE') as 'PUT' | 'DELETE');
        for (let i = operations.length - 1; i > 0; i--) {
          const j = (round * 7919 + i * 104729) % (i + 1);
          [operations[i], operations[j]] = [operations[j], operations[i]];
        }
        // DELETE answers faster than PUT; in odd rounds the DELETEs start when the first PUT has
        // been answered, so that they land among the later PUTs instead of before all of them.
        let firstPutAnswered!: () => void;
        const putAnswered = new Promise<void>((resolve) => (firstPutAnswered = resolve));
        const responses = await Promise.all(
          operations.map(async (method, i) => {
            if (method === 'PUT') {
              const r = await service.rest('PUT', `/billing-portals/${id}`, {
                body: portalBody({ slug, name: `put ${i}` }),
              });
              firstPutAnswered();
              return r;
            }
            if (round % 2 === 1) await putAnswered;
            return service.rest('DELETE', `/billing-portals/${id}`);
          }),
        );
        const puts = responses.filter((_, i) => operations[i] === 'PUT');
        const deletes = responses.filter((_, i) => operations[i] === 'DELETE');
        expect(
          puts.every((r) => r.status === 200 || r.status === 201),
          `PUT statuses ${puts.map((r) => r.status)}`,
        ).toBe(true);
        expect(
          deletes.every((r) => r.status === 204 || r.status === 404),
          `DELETE statuses ${deletes.map((r) => r.status)}`,
        ).toBe(true);
        const created = puts.filter((r) => r.status === 201).length;
        const deleted = deletes.filter((r) => r.status === 204).length;
        const stored = await service.rest('GET', `/billing-portals/${id}`);
        const documents = await service.portals.countDocuments({ id });
        const difference = initiallyPresent ? deleted - created : created - deleted;
        expect([0, 1], `201×${created} 204×${deleted}`).toContain(difference);
        const presentAtEnd = initiallyPresent ? difference === 0 : difference === 1;
        expect(stored.status, `201×${created} 204×${deleted}`).toBe(presentAtEnd ? 200 : 404);
        expect(documents).toBe(presentAtEnd ? 1 : 0);
        if (presentAtEnd) {
          // What is there was written by an acknowledged PUT (or is the initial portal, untouched by any).
          const names = puts.map((r) => r.body.name);
          if (initiallyPresent && created === 0 && deleted === 0) names.push('initial');
          expect(names).toContain(stored.body.name);
          outcomes.present++;
        } else {
          outcomes.absent++;
        }
      }
      console.log(
        `PUT vs DELETE (initially ${initiallyPresent ? 'present' : 'absent'}): ${JSON.stringify(outcomes)} rounds ended present/absent`,
      );
    });
  }
});
