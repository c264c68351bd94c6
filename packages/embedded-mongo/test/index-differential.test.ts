/**
 * Randomized differential tests of the ordered indexes and the planner (in process, no server):
 * the same documents, mutations and queries run on a collection with indexes and on one without,
 * and must give the same answer. Ties in a sort may come back in any order (as in MongoDB), so
 * results are compared as: the same sequence of sort keys, and the same documents (exactly the
 * same sequence when the sort ends on the unique field `u`).
 */
import fc from 'fast-check';
import { Long } from 'bson';
import { describe, expect, it } from 'vitest';
import { canonicalKey } from '../src/compare.ts';
import type { Doc } from '../src/compare.ts';
import { countDocs, findDocs, sortKey } from '../src/query.ts';
import { Collection } from '../src/storage/collection.ts';
import { OrderedIndex } from '../src/storage/indexes.ts';
import type { IndexSpec } from '../src/storage/indexes.ts';
import { planFind } from '../src/query.ts';

const INDEXES: IndexSpec[] = [
  { key: { a: 1 }, name: 'a' },
  { key: { b: 1, c: -1 }, name: 'b_c' },
  { key: { s: 1, d: -1, u: 1 }, name: 's_d_u' },
  { key: { s: 1, b: 1 }, name: 's_b' },
  { key: { c: 1, u: -1 }, name: 'c_u' },
  { key: { 'n.x': 1 }, name: 'nx' },
  { key: { d: 1 }, name: 'd_sparse', sparse: true },
  { key: { u: 1 }, name: 'u_unique', unique: true },
];

/** More runs for a deeper search: EMBEDDED_DIFF_RUNS=5000 npx vitest run packages/embedded-mongo/test/index-differential.test.ts */
const RUNS = Number(process.env.EMBEDDED_DIFF_RUNS ?? 250);

const DATES = [0, 1, 2, 3].map((i) => new Date(Date.UTC(2024, 0, 1 + i)));
const STRINGS = ['', 'a', 'ab', 'b', 'B', 'é'];

const scalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(-1.5, 0.5, 2.5, 2.0, -0),
  fc.integer({ min: -3, max: 3 }).map((n) => Long.fromNumber(n)),
  fc.constantFrom(Long.fromString('9007199254740993'), Long.fromString('-9007199254740993')),
  fc.constantFrom(...STRINGS),
  fc.constantFrom(...DATES),
  fc.constant(null),
  fc.boolean(),
);

const MISSING = Symbol('missing');
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | typeof MISSING> =>
  fc.oneof({ weight: 1, arbitrary: fc.constant(MISSING) }, { weight: 5, arbitrary: arb });

const docShape = fc.record({
  a: maybe(fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }))),
  b: maybe(scalar),
  c: maybe(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(0.5, 1.5, -2.5))),
  s: maybe(fc.constantFrom(...STRINGS)),
  d: maybe(fc.constantFrom(...DATES)),
  n: maybe(fc.oneof(fc.record({ x: scalar }), fc.array(fc.record({ x: scalar }), { maxLength: 2 }))),
});

function makeDoc(shape: Record<string, unknown>, u: number): Doc {
  const d: Doc = { _id: u, u };
  for (const [k, v] of Object.entries(shape)) if (v !== MISSING) d[k] = v;
  return d;
}

const FIELDS = ['a', 'b', 'c', 's', 'd', 'n.x', 'u'];

const condition: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: scalar.filter((v) => v !== null) },
  { weight: 1, arbitrary: scalar.map((v) => ({ $eq: v })) },
  { weight: 3, arbitrary: fc.array(scalar, { minLength: 1, maxLength: 4 }).map((vs) => ({ $in: vs })) },
  {
    weight: 3,
    arbitrary: fc.tuple(fc.constantFrom('$gt', '$gte', '$lt', '$lte'), scalar).map(([op, v]) => ({ [op]: v })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('$gt', '$gte'), scalar, fc.constantFrom('$lt', '$lte'), scalar)
      .map(([o1, v1, o2, v2]) => ({ [o1]: v1, [o2]: v2 })),
  },
  { weight: 1, arbitrary: scalar.map((v) => ({ $ne: v })) },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }).map((vs) => ({ $nin: vs })) },
  { weight: 1, arbitrary: fc.boolean().map((b) => ({ $exists: b })) },
);

const clause = fc.tuple(fc.constantFrom(...FIELDS), condition);

/** Filters shaped like the service's (string / date equality on an index prefix). */
const prefixFilterArb: fc.Arbitrary<Doc> = fc.oneof(
  fc.constantFrom(...STRINGS).map((s) => ({ s })),
  fc.tuple(fc.constantFrom(...STRINGS), fc.constantFrom(...DATES)).map(([s, d]) => ({ s, d })),
  fc.array(fc.constantFrom(...STRINGS), { minLength: 1, maxLength: 3 }).map((ss) => ({ s: { $in: ss } })),
  fc
    .tuple(fc.constantFrom(...STRINGS), fc.constantFrom(...DATES))
    .map(([s, d]) => ({ $and: [{ s }, { d: { $gte: d } }] })),
);

const randomFilterArb: fc.Arbitrary<Doc> = fc
  .record({
    top: fc.array(clause, { maxLength: 3 }),
    and: fc.array(clause, { maxLength: 2 }),
    or: fc.option(fc.array(clause, { minLength: 1, maxLength: 2 }), { freq: 4 }),
  })
  .map(({ top, and, or }) => {
    const f: Doc = {};
    for (const [k, v] of top) f[k] = v;
    const all: Doc[] = and.map(([k, v]) => ({ [k]: v }));
    if (or) all.push({ $or: or.map(([k, v]) => ({ [k]: v })) });
    if (all.length) f.$and = all;
    return f;
  });

const filterArb: fc.Arbitrary<Doc> = fc.oneof(
  { weight: 4, arbitrary: randomFilterArb },
  { weight: 1, arbitrary: prefixFilterArb },
);

const sortArb: fc.Arbitrary<Doc | undefined> = fc.option(
  fc
    .tuple(
      fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 's', 'd', 'u'), { minLength: 1, maxLength: 3 }),
      fc.array(fc.constantFrom(1, -1), { minLength: 3, maxLength: 3 }),
      fc.boolean(),
    )
    .map(([fields, dirs, tieBreak]) => {
      const sort: Doc = {};
      fields.forEach((f, i) => {
        sort[f] = dirs[i];
      });
      if (tieBreak && !('u' in sort)) sort.u = dirs[0];
      return sort;
    }),
  { freq: 4 },
);

const queryArb = fc.record({
  filter: filterArb,
  sort: sortArb,
  skip: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5 })),
  limit: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 8 })),
});

function pair(): { indexed: Collection; plain: Collection } {
  const indexed = new Collection('db', 'indexed', {}, () => undefined);
  const plain = new Collection('db', 'plain', {}, () => undefined);
  for (const spec of INDEXES) indexed.createIndex({ v: 2, ...spec });
  return { indexed, plain };
}

const ids = (docs: Doc[]): unknown[] => docs.map((d) => d._id);
const sortKeys = (docs: Doc[], sort: Doc): string[] =>
  docs.map((d) => canonicalKey(Object.entries(sort).map(([p, dir]) => sortKey(d, p, Number(dir)))));
const idSet = (docs: Doc[]): unknown[] =>
  ids(docs)
    .map((x) => Number(x))
    .sort((x, y) => x - y);

function compare(
  indexed: Collection,
  plain: Collection,
  q: { filter: Doc; sort: Doc | undefined; skip: number; limit: number },
): void {
  const got = findDocs(indexed, q);
  const want = findDocs(plain, q);
  const ctx = JSON.stringify({ q, plan: planFind(indexed, q).stage });
  expect(got.length, ctx).toBe(want.length);
  if (q.sort) {
    expect(sortKeys(got, q.sort), ctx).toEqual(sortKeys(want, q.sort));
    if ('u' in q.sort) expect(ids(got), ctx).toEqual(ids(want));
    else if (!q.skip && !q.limit) expect(idSet(got), ctx).toEqual(idSet(want));
  } else if (!q.skip && !q.limit) {
    expect(idSet(got), ctx).toEqual(idSet(want));
  } else {
    // Unsorted pages may differ (index order vs natural order) but must hold matches only.
    const all = new Set(ids(findDocs(plain, { filter: q.filter })).map(canonicalKey));
    for (const d of got) expect(all.has(canonicalKey(d._id)), ctx).toBe(true);
  }
  expect(countDocs(indexed, q.filter), ctx).toBe(countDocs(plain, q.filter));
}

describe('ordered indexes: randomized differential against a plain scan', () => {
  it('finds and counts the same documents, in the same order, after inserts, updates and deletes', () => {
    const stats = { ixscan: 0, exact: 0, sortServed: 0 };
    fc.assert(
      fc.property(
        fc.array(docShape, { minLength: 1, maxLength: 60 }),
        fc.array(
          fc.tuple(fc.nat(), fc.oneof(fc.constant('delete' as const), fc.constant('touch' as const), docShape)),
          { maxLength: 20 },
        ),
        fc.array(queryArb, { minLength: 1, maxLength: 12 }),
        (shapes, mutations, queries) => {
          const { indexed, plain } = pair();
          shapes.forEach((shape, u) => {
            indexed.insert(makeDoc(shape, u));
            plain.insert(makeDoc(shape, u));
          });
          for (const [n, m] of mutations) {
            const u = n % shapes.length;
            const oldI = indexed.getById(u);
            const oldP = plain.getById(u);
            if (!oldI || !oldP) {
              if (m !== 'delete' && m !== 'touch') {
                indexed.insert(makeDoc(m, u));
                plain.insert(makeDoc(m, u));
              }
              continue;
            }
            if (m === 'delete') {
              indexed.remove(oldI);
              plain.remove(oldP);
            } else if (m === 'touch') {
              // A write that leaves every indexed value as it was (its entries stay in place).
              indexed.replace(oldI, { ...oldI, z: n });
              plain.replace(oldP, { ...oldP, z: n });
            } else {
              indexed.replace(oldI, makeDoc(m, u));
              plain.replace(oldP, makeDoc(m, u));
            }
          }
          // Every index holds exactly what a build from the final documents would.
          for (const index of indexed.indexes.values()) {
            const rebuilt = new OrderedIndex(index.spec);
            rebuilt.rebuild(indexed.records());
            const slots = (i: OrderedIndex) => [...i.entries()].map((e) => [canonicalKey(e.vals), e.seq, e.id]);
            expect(slots(index)).toEqual(slots(rebuilt));
          }
          for (const q of queries) {
            const p = planFind(indexed, q);
            if (p.stage === 'IXSCAN') {
              stats.ixscan++;
              if (p.exact) stats.exact++;
              if (p.sortServed && q.sort) stats.sortServed++;
            }
            compare(indexed, plain, q);
          }
        },
      ),
      { numRuns: RUNS },
    );
    // The generators must actually exercise the index paths.
    console.log('differential plan mix', stats);
    expect(stats.ixscan).toBeGreaterThan(200);
    expect(stats.exact).toBeGreaterThan(10);
    expect(stats.sortServed).toBeGreaterThan(20);
  });

  it('index-served plans agree with a scan on larger data (string/date keys, sorted pages)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            s: fc.constantFrom(...STRINGS),
            d: fc.constantFrom(...DATES),
            c: fc.integer({ min: 0, max: 9 }),
          }),
          { minLength: 300, maxLength: 600 },
        ),
        fc.array(
          fc.record({
            s: fc.constantFrom(...STRINGS),
            sort: fc.constantFrom<Doc>({ d: -1, u: 1 }, { d: 1, u: -1 }, { d: -1 }, { c: 1, u: -1 }, { u: 1 }),
            skip: fc.integer({ min: 0, max: 50 }),
            limit: fc.integer({ min: 1, max: 20 }),
            range: fc.option(fc.constantFrom(...DATES), { freq: 2 }),
          }),
          { minLength: 1, maxLength: 10 },
        ),
        (rows, queries) => {
          const { indexed, plain } = pair();
          rows.forEach((r, u) => {
            indexed.insert({ _id: u, u, ...r });
            plain.insert({ _id: u, u, ...r });
          });
          for (const q of queries) {
            const filter: Doc = q.range ? { s: q.s, d: { $lt: q.range } } : { s: q.s };
            compare(indexed, plain, { filter, sort: q.sort, skip: q.skip, limit: q.limit });
            compare(indexed, plain, {
              filter: { $and: [{ s: q.s }, { $or: [{ c: { $lt: 3 } }, { c: 5, u: { $lt: 100 } }] }] },
              sort: q.sort,
              skip: q.skip,
              limit: q.limit,
            });
            // Keyset pages: strictly after a (d, u) position in {d: -1, u: 1} order (an $or the planner seeks with).
            const at = q.range ?? DATES[1];
            const keyset = { $and: [{ s: q.s }, { $or: [{ d: { $lt: at } }, { d: at, u: { $gt: q.skip * 7 } }] }] };
            compare(indexed, plain, { filter: keyset, sort: { d: -1, u: 1 }, skip: 0, limit: q.limit });
            compare(indexed, plain, {
              filter: { $or: [{ d: { $gt: at } }, { d: at, c: { $in: [1, 2] } }] },
              sort: q.sort,
              skip: 0,
              limit: q.limit,
            });
          }
        },
      ),
      { numRuns: Math.ceil(RUNS / 8) },
    );
  });

  it('multikey indexes (arrays): element-wise ranges, repeated equalities, $in over several elements, sorts', () => {
    const small = fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constantFrom('a', 'b', 'c'));
    fc.assert(
      fc.property(
        fc.array(fc.oneof(small, fc.array(small, { maxLength: 4 })), { minLength: 5, maxLength: 40 }),
        fc.array(
          fc.oneof(
            fc.tuple(small, small).map(([x, y]) => ({ a: { $gt: x, $lt: y } })),
            fc.tuple(small, small).map(([x, y]) => ({ a: { $gte: x, $lte: y } })),
            fc.array(small, { minLength: 1, maxLength: 3 }).map((vs) => ({ a: { $in: vs } })),
            fc.tuple(small, small).map(([x, y]) => ({ a: x, $and: [{ a: y }] })),
            fc.tuple(small, small).map(([x, y]) => ({ $and: [{ a: { $in: [x, y] } }, { a: { $gte: x } }] })),
          ),
          { minLength: 1, maxLength: 8 },
        ),
        fc.constantFrom<Doc | undefined>(undefined, { a: 1, u: 1 }, { a: -1, u: 1 }, { u: -1 }),
        (values, filters, sort) => {
          const { indexed, plain } = pair();
          values.forEach((a, u) => {
            indexed.insert({ _id: u, u, a });
            plain.insert({ _id: u, u, a });
          });
          for (const filter of filters) compare(indexed, plain, { filter, sort, skip: 0, limit: 0 });
        },
      ),
      { numRuns: Math.ceil(RUNS * 0.8) },
    );
  });
});
