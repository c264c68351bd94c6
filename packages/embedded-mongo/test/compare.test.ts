/**
 * Shortcuts and what they stand for. sameCanonical is a shortcut for `canonicalKey(a) === canonicalKey(b)` (whether a write changed its
 * document): randomized, it must answer exactly as comparing the keys does.
 */
import fc from 'fast-check';
import { Binary, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp } from 'bson';
import { describe, expect, it } from 'vitest';
import { canonicalKey, sameCanonical } from '../src/compare.ts';
import { checkFilter, compileFilter } from '../src/query.ts';

const OID = new ObjectId('0123456789abcdef01234567');

/** Leaves, with values chosen so that different types often hold the same number, time or text. */
const leaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(0, -0, 1, 1.5, 2 ** 53 + 2, -(2 ** 60), NaN, Infinity, -Infinity),
  fc.integer({ min: -2, max: 2 }),
  fc.constantFrom(
    new Int32(1),
    new Double(1),
    new Double(1.5),
    Long.fromNumber(1),
    Long.fromString('9007199254740993'),
  ),
  fc.constantFrom(Decimal128.fromString('1'), Decimal128.fromString('1.50'), 1n, 9007199254740993n),
  fc.constantFrom('', 'a', '1', 'n1', '{}', '[]', 'N', 'b1', 'a,b', '"'),
  fc.boolean(),
  fc.constantFrom(null, undefined),
  fc.constantFrom(new Date(0), new Date(1), new Date(NaN)),
  fc.constantFrom(/a/, /a/i, /a,b/),
  fc.constantFrom(OID, new ObjectId('0123456789abcdef01234568'), new MinKey(), new MaxKey()),
  fc.constantFrom(new Binary(Buffer.from('ab')), new Timestamp({ t: 1, i: 2 })),
);

const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'c', '_id', '1'), tie('value'), { maxKeys: 3 }),
  ),
}));

/** A copy of `v` with, sometimes, one leaf replaced: the near misses a shortcut could get wrong. */
function nearCopy(v: unknown, replacement: unknown, at: number, counter = { n: 0 }): unknown {
  if (Array.isArray(v)) return v.map((x) => nearCopy(x, replacement, at, counter));
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, nearCopy(x, replacement, at, counter)]));
  }
  return counter.n++ === at ? replacement : v;
}

describe('sameCanonical', () => {
  it('answers as comparing canonical keys does, for unrelated values', () => {
    fc.assert(
      fc.property(value, value, (a, b) => {
        expect(sameCanonical(a, b)).toBe(canonicalKey(a) === canonicalKey(b));
      }),
      { numRuns: 3000 },
    );
  });

  it('answers as comparing canonical keys does, for copies that differ in at most one leaf', () => {
    fc.assert(
      fc.property(value, leaf, fc.nat({ max: 8 }), (a, replacement, at) => {
        const b = nearCopy(a, replacement, at);
        expect(sameCanonical(a, b)).toBe(canonicalKey(a) === canonicalKey(b));
        expect(sameCanonical(b, a)).toBe(canonicalKey(a) === canonicalKey(b));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('checkFilter', () => {
  it('skips compiling only filters that compile: plain equalities of scalars', () => {
    const key = fc.stringMatching(/^[\w-]{1,4}(\.[\w-]{1,3}){0,2}$/);
    const scalar = fc.oneof(fc.string(), fc.double(), fc.boolean(), fc.constant(null), fc.date());
    fc.assert(
      fc.property(fc.dictionary(key, scalar, { maxKeys: 4, noNullPrototype: true }), (filter) => {
        expect(() => compileFilter(filter)).not.toThrow();
        expect(() => checkFilter(filter)).not.toThrow();
      }),
      { numRuns: 1000 },
    );
    // Anything else is still compiled, and refused when mingo refuses it.
    expect(() => checkFilter({ a: { $bogus: 1 } })).toThrow(/bogus/);
    expect(() => checkFilter({ $and: 1 })).toThrow();
  });
});
