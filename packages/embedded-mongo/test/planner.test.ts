import { describe, expect, it } from 'vitest';
import { Long } from 'bson';
import { Collection } from '../src/storage/collection.ts';
import { planQuery } from '../src/storage/planner.ts';
import { countDocs, findDocs, planFind } from '../src/query.ts';
import type { FindOptions } from '../src/query.ts';

// Unit tests of the access-path choice (no server involved).
function collection(): Collection {
  const c = new Collection('db', 'c', {}, () => undefined);
  c.createIndex({ v: 2, key: { org: 1, slug: 1 }, name: 'org_1_slug_1', unique: true });
  c.createIndex({ v: 2, key: { org: 1 }, name: 'org_1' });
  c.createIndex({ v: 2, key: { email: 1 }, name: 'email_1', sparse: true });
  for (let i = 0; i < 50; i++) c.insert({ _id: i, org: `o${i % 5}`, slug: `s${i}`, email: `e${i}` });
  return c;
}

describe('query planner', () => {
  const c = collection();

  it('uses a direct lookup for _id equality and $in, numbers by value', () => {
    expect(planQuery(c, { _id: 3 }).stage).toBe('IDHACK');
    expect(planQuery(c, { $and: [{ _id: { $eq: 3 } }, { org: 'o3' }] }).stage).toBe('IDHACK');
    expect(planQuery(c, { _id: { $in: [1, 2] } }).stage).toBe('IDHACK');
    expect([...c.candidates({ _id: Long.fromNumber(7) })].map((d) => d._id)).toEqual([7]);
    expect([...c.candidates({ _id: { $in: [7, 7.0, 49, 500] } })].map((d) => d._id)).toEqual([7, 49]);
  });

  it('prefers a unique index whose fields are all pinned by equality', () => {
    const p = planQuery(c, { org: 'o1', slug: 's6' });
    expect(p.stage === 'IXSCAN' && p.index.spec.name).toBe('org_1_slug_1');
    expect([...c.candidates({ org: 'o1', slug: 's6' })].map((d) => d._id)).toEqual([6]);
    const byOrg = planQuery(c, { org: 'o2' });
    expect(byOrg.stage === 'IXSCAN' && byOrg.index.spec.name).toBe('org_1');
    expect([...c.candidates({ org: 'o2' })]).toHaveLength(10);
  });

  it('scans when no index serves the filter (non-prefix fields, regexes, null on a sparse index)', () => {
    expect(planQuery(c, { slug: 's1' }).stage).toBe('COLLSCAN');
    expect(planQuery(c, { org: /o1/ }).stage).toBe('COLLSCAN');
    expect(planQuery(c, { email: null }).stage).toBe('COLLSCAN');
    expect(planQuery(c, { $or: [{ org: 'o1' }, { slug: 's2' }] }).stage).toBe('COLLSCAN');
  });

  it('uses ranges and non-null equality on sparse indexes', () => {
    const range = planQuery(c, { org: { $gt: 'o1' } });
    expect(range.stage === 'IXSCAN' && range.index.spec.name).toBe('org_1');
    expect([...c.candidates({ org: { $gt: 'o3' } })].map((d) => d.org)).toEqual(Array(10).fill('o4'));
    const sparse = planQuery(c, { email: 'e1' });
    expect(sparse.stage === 'IXSCAN' && sparse.index.spec.name).toBe('email_1');
  });

  it('seeks with the hull of an $or (keyset pages)', () => {
    const p = planQuery(c, { $or: [{ org: { $lt: 'o2' } }, { org: 'o2', slug: { $lt: 's20' } }] });
    expect(p.stage === 'IXSCAN' && p.index.spec.name).toBe('org_1');
    expect(p.stage === 'IXSCAN' && p.intervals).toEqual([{ points: [], hi: { value: 'o2', inclusive: true } }]);
    expect(planQuery(c, { $or: [{ org: { $lt: 'o2' } }, { slug: 's1' }] }).stage).toBe('COLLSCAN');
  });

  it('keeps index entries in step with replace and remove', () => {
    const d = c.getById(6);
    expect(d).toBeDefined();
    if (!d) return;
    c.replace(d, { ...d, slug: 'renamed' });
    expect([...c.candidates({ org: 'o1', slug: 's6' })]).toEqual([]);
    expect([...c.candidates({ org: 'o1', slug: 'renamed' })].map((x) => x._id)).toEqual([6]);
    c.remove(c.getById(6) ?? {});
    expect([...c.candidates({ org: 'o1', slug: 'renamed' })]).toEqual([]);
    expect(() => c.insert({ _id: 100, org: 'o0', slug: 's0' })).toThrow(/E11000/);
  });
});

describe('each planner case gives the same documents, in the same order, as a scan', () => {
  const indexed = new Collection('db', 'indexed', {}, () => undefined);
  const plain = new Collection('db', 'plain', {}, () => undefined);
  indexed.createIndex({ v: 2, key: { org: 1, site: 1, t: -1, id: -1 }, name: 'org_site_t_id' });
  indexed.createIndex({ v: 2, key: { org: 1, id: 1 }, name: 'org_id', unique: true });
  indexed.createIndex({ v: 2, key: { n: 1 }, name: 'n' });
  for (let i = 0; i < 400; i++) {
    // Inserted out of key order; t repeats so that the id tie-breaker matters.
    const j = (i * 37) % 400;
    const doc = {
      _id: j,
      org: `o${j % 3}`,
      site: `s${j % 4}`,
      t: new Date(Date.UTC(2025, 0, 1 + (j % 25))),
      id: `i${String(j).padStart(3, '0')}`,
      n: (j % 17) - 8,
    };
    indexed.insert({ ...doc });
    plain.insert({ ...doc });
  }
  const cases: Array<{ name: string; q: FindOptions; index: string; sortServed?: boolean; exact?: boolean }> = [
    { name: 'equality on an indexed field', q: { filter: { n: 3 } }, index: 'n', exact: false },
    {
      name: 'equality on a unique compound index',
      q: { filter: { org: 'o1', id: 'i040' } },
      index: 'org_id',
      exact: true,
    },
    {
      name: 'equality prefix + range on the next key',
      q: {
        filter: {
          org: 'o2',
          site: 's1',
          t: { $gte: new Date(Date.UTC(2025, 0, 5)), $lt: new Date(Date.UTC(2025, 0, 9)) },
        },
        sort: { t: -1, id: -1 },
      },
      index: 'org_site_t_id',
      sortServed: true,
    },
    {
      name: 'range on a single-field index',
      q: { filter: { n: { $gt: -2, $lte: 4 } }, sort: { n: 1 } },
      index: 'n',
      sortServed: true,
    },
    {
      name: 'sort following the index after the prefix',
      q: { filter: { org: 'o0', site: 's2' }, sort: { t: -1, id: -1 }, skip: 5, limit: 7 },
      index: 'org_site_t_id',
      sortServed: true,
      exact: true,
    },
    {
      name: 'the same sort reversed (backward walk)',
      q: { filter: { org: 'o0', site: 's2' }, sort: { t: 1, id: 1 }, skip: 3, limit: 10 },
      index: 'org_site_t_id',
      sortServed: true,
    },
    {
      name: 'sort on the prefix only (org) with the rest of the index',
      q: { filter: { org: 'o1' }, sort: { site: 1, t: -1, id: -1 }, limit: 30 },
      index: 'org_site_t_id',
      sortServed: true,
    },
    {
      name: '$in on an indexed field',
      q: { filter: { n: { $in: [-8, 0, 5, 99] } }, sort: { id: 1 } },
      index: 'n',
      sortServed: false,
    },
    {
      name: '$in on a prefix field, then the sort',
      q: { filter: { org: 'o1', site: { $in: ['s0', 's3'] } }, sort: { t: -1, id: -1 }, limit: 15 },
      index: 'org_site_t_id',
      sortServed: false,
    },
    {
      name: 'equality prefix + residual filter',
      q: { filter: { org: 'o2', site: 's3', n: { $ne: 0 }, id: /5/ }, sort: { t: -1, id: -1 } },
      index: 'org_site_t_id',
      sortServed: true,
      exact: false,
    },
    {
      name: 'keyset page ($or hull seek)',
      q: {
        filter: {
          org: 'o0',
          $or: [{ site: { $lt: 's2' } }, { site: 's2', t: { $gt: new Date(Date.UTC(2025, 0, 10)) } }],
        },
        sort: { site: 1, t: -1, id: -1 },
        limit: 12,
      },
      index: 'org_site_t_id',
      sortServed: true,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const p = planFind(indexed, c.q);
      expect(p.stage).toBe('IXSCAN');
      if (p.stage !== 'IXSCAN') return;
      expect(p.index.spec.name).toBe(c.index);
      if (c.sortServed !== undefined) expect(p.sortServed).toBe(c.sortServed);
      if (c.exact !== undefined) expect(p.exact).toBe(c.exact);
      expect(planFind(plain, c.q).stage).toBe('COLLSCAN');
      const got = findDocs(indexed, c.q);
      expect(got.length).toBeGreaterThan(0);
      expect(got).toEqual(findDocs(plain, c.q));
      expect(countDocs(indexed, c.q.filter)).toBe(countDocs(plain, c.q.filter));
    });
  }
});
