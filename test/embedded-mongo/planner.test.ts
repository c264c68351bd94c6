import { describe, expect, it } from 'vitest';
import { Long } from 'bson';
import { Collection } from '../../src/embedded-mongo/storage/collection.js';
import { planQuery } from '../../src/embedded-mongo/storage/planner.js';

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
