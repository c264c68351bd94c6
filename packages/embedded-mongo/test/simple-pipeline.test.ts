/**
 * The direct evaluator of simple update pipelines (src/simple-pipeline.ts) is a shortcut past mingo: on
 * random documents and pipelines — inside and outside what it evaluates itself — it must answer
 * exactly as mingo's Aggregator does (same fields in the same order, same values and types) or leave
 * the pipeline to mingo; and through the driver, an update with such a pipeline must store what mingo
 * computes, or fail with mingo's message.
 */
import { inspect } from 'node:util';
import fc from 'fast-check';
import { BSON, Long, ObjectId } from 'bson';
import { Aggregator } from 'mingo';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Doc } from '../src/compare.ts';
import { startEmbeddedMongo } from '../src/index.ts';
import type { EmbeddedMongo } from '../src/index.ts';
import { BASE_OPTIONS } from '../src/mingo-options.ts';
import { evaluateSimplePipeline, UNSUPPORTED } from '../src/simple-pipeline.ts';

const RUNS = Number(process.env.EMBEDDED_DIFF_RUNS ?? 2000);

/** Objects as BSON decodes them: with Object.prototype (fast-check also makes null-prototype ones). */
const rec = (shape: any, constraints: object = {}): fc.Arbitrary<any> =>
  fc.record(shape, { ...constraints, noNullPrototype: true });

const FIELDS = ['a', 'b', 'createdTime', 'seq', 'outbox', 'n'];

const scalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(0.5, -0, NaN, Infinity, 2 ** 40, 1.7e15),
  fc.constantFrom('', 'a', 'missing', 'string', '$a', 'x.y'),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(new Date(0), new Date(1_700_000_000_000)),
  fc.constantFrom(new ObjectId('0123456789abcdef01234567'), Long.fromNumber(7)),
);
const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  {
    weight: 1,
    arbitrary: fc.dictionary(fc.constantFrom('x', 'y', 'a'), scalar, { maxKeys: 2, noNullPrototype: true }),
  },
);

const document = fc
  .dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 5, noNullPrototype: true })
  .map((fields): Doc => ({ _id: 1, ...fields }));

/** Field paths: mostly top-level, some the evaluator leaves to mingo. */
const path = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...FIELDS.map((f) => `$${f}`), '$missing') },
  { weight: 1, arbitrary: fc.constantFrom('$a.x', '$$ROOT', '$$CURRENT', '$', '$$KEEP') },
);

const { expression } = fc.letrec<{ expression: unknown }>((tie) => {
  const e = tie('expression');
  return {
    expression: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { weight: 6, arbitrary: scalar },
      { weight: 6, arbitrary: path },
      { weight: 3, arbitrary: rec({ $literal: value }) },
      { weight: 2, arbitrary: rec({ $ifNull: fc.array(e, { maxLength: 3 }) }) },
      {
        weight: 2,
        arbitrary: rec({
          $cond: fc.oneof(fc.array(e, { minLength: 2, maxLength: 4 }), rec({ if: e, then: e, else: e })),
        }),
      },
      { weight: 2, arbitrary: rec({ $eq: fc.array(e, { minLength: 1, maxLength: 3 }) }) },
      { weight: 2, arbitrary: rec({ $type: e }) },
      { weight: 2, arbitrary: rec({ $max: fc.oneof(fc.tuple(e, e), e) }) },
      { weight: 2, arbitrary: rec({ $add: fc.oneof(fc.array(e, { maxLength: 3 }), e) }) },
      { weight: 1, arbitrary: rec({ $concatArrays: fc.array(e, { maxLength: 2 }) }) },
      { weight: 2, arbitrary: fc.array(e, { maxLength: 3 }) },
      {
        weight: 2,
        arbitrary: fc.dictionary(fc.constantFrom('p', 'q', '$r'), e, { maxKeys: 2, noNullPrototype: true }),
      },
    ),
  };
});

const stage = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .dictionary(fc.constantFrom(...FIELDS, 'x.y'), expression, { maxKeys: 4, noNullPrototype: true })
      .map((s) => ({ $set: s })),
  },
  {
    weight: 1,
    arbitrary: fc
      .dictionary(fc.constantFrom(...FIELDS), expression, { maxKeys: 2, noNullPrototype: true })
      .map((s) => ({ $addFields: s })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Doc>({ $unset: 'a' }, { $project: { a: 1 } }, { $set: { a: 1 }, $unset: 'b' }),
  },
);
const pipeline = fc.array(stage, { minLength: 1, maxLength: 3 });

/** Pipelines shaped like applications' (the service's outbox writes): mostly within the evaluator. */
const field = fc.constantFrom(...FIELDS.map((f) => `$${f}`));
const number = fc.oneof(
  { weight: 9, arbitrary: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(0.5, -0, 1.7e15)) },
  { weight: 1, arbitrary: fc.constant(NaN) },
);
const typical = fc.oneof(
  rec({ $literal: value }),
  field,
  rec({ $ifNull: fc.tuple(field, fc.oneof(number, fc.constant(null), field)) }),
  rec({
    $cond: fc.tuple(
      rec({ $eq: fc.tuple(rec({ $type: field }), fc.constantFrom('missing', 'null', 'date', 'string')) }),
      fc.oneof(field, scalar),
      fc.oneof(field, scalar),
    ),
  }),
  rec({ $max: fc.tuple(rec({ $add: fc.tuple(rec({ $ifNull: fc.tuple(field, number) }), number) }), number) }),
);
const typicalExpression = fc.oneof(
  { weight: 4, arbitrary: typical },
  {
    weight: 1,
    arbitrary: fc.array(fc.dictionary(fc.constantFrom('p', 'q'), typical, { maxKeys: 2, noNullPrototype: true }), {
      maxLength: 2,
    }),
  },
);
const typicalDocument = fc
  .record(
    {
      a: value,
      b: value,
      createdTime: fc.constantFrom(new Date(0), new Date(1_700_000_000_000)),
      seq: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constant(1.7e15), fc.constant(null)),
      outbox: fc.array(value, { maxLength: 2 }),
    },
    { requiredKeys: [] },
  )
  .map((fields): Doc => ({ _id: 1, ...fields }));
const typicalPipeline = fc.array(
  fc
    .dictionary(fc.constantFrom(...FIELDS), typicalExpression, { minKeys: 1, maxKeys: 4, noNullPrototype: true })
    .map((s) => ({ $set: s })),
  { minLength: 1, maxLength: 3 },
);

/** Field order, undefined fields, -0, NaN and classes all show. */
const shown = (v: unknown): string => inspect(v, { depth: null, sorted: false, showHidden: false });

function viaMingo(doc: Doc, stages: Doc[]): { value: Doc } | { error: string } {
  try {
    const out = new Aggregator(stages, BASE_OPTIONS).run([doc]);
    return { value: (out[0] as Doc | undefined) ?? doc };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

describe('simple update pipelines, evaluated directly', () => {
  it.each([
    ['any pipeline', document, pipeline, 0.1],
    ["pipelines shaped like applications'", typicalDocument, typicalPipeline, 0.4],
  ])('answers exactly as mingo does, or leaves the pipeline to mingo: %s', (_name, documents, pipelines, share) => {
    let answered = 0;
    fc.assert(
      fc.property(documents, pipelines, (doc, stages) => {
        const before = shown(doc);
        const fast = evaluateSimplePipeline(doc, stages);
        expect(shown(doc)).toBe(before);
        if (fast === UNSUPPORTED) return;
        answered++;
        const plain = viaMingo(doc, stages);
        expect(plain).toHaveProperty('value');
        expect(shown(fast)).toBe(shown((plain as { value: Doc }).value));
      }),
      { numRuns: RUNS },
    );
    // The generators must exercise the direct path, not only the give-ups.
    console.log(`${_name}: answered directly ${answered} of ${RUNS}`);
    expect(answered).toBeGreaterThan(RUNS * share);
  });

  it("evaluates the billing-portal service's own pipelines itself, as mingo does", async () => {
    const { recordedReplacement, recordedTouch } = await import('../../../src/portals/mongo/history-outbox.ts');
    const fields = { name: 'P', slug: 's', websiteId: 'w', customDomain: null, features: { a: true } };
    const write = { revision: 'r2', time: new Date(1_700_000_000_000), apiKeyName: 'k' };
    const existing: Doc = {
      _id: new ObjectId(),
      organizationId: 'o',
      id: 'p',
      name: 'Old',
      slug: 's',
      createdTime: new Date(1_600_000_000_000),
      historySequence: 1_700_000_000_000_000,
      historyOutbox: [{ revision: 'r1' }],
    };
    const fresh: Doc = { organizationId: 'o', id: 'p' };
    const replacement = recordedReplacement(fields as never, { lookup: { slug: 's' } }, write) as Doc[];
    for (const doc of [existing, fresh]) {
      const fast = evaluateSimplePipeline(doc, replacement);
      expect(fast).not.toBe(UNSUPPORTED);
      expect(shown(fast)).toBe(shown((viaMingo(doc, replacement) as { value: Doc }).value));
    }
    // A pipeline outside the evaluator ($concatArrays, $slice) still gets mingo's answer.
    const touch = recordedTouch([], write) as Doc[];
    expect(evaluateSimplePipeline(existing, touch)).toBe(UNSUPPORTED);
  });
});

describe('simple update pipelines through the driver', () => {
  let server: EmbeddedMongo;
  let client: MongoClient;
  beforeAll(async () => {
    server = await startEmbeddedMongo({ log: () => undefined });
    client = new MongoClient(server.uri);
    await client.connect();
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it('store what mingo computes (updates and upserts), or fail with its message', async () => {
    const coll = client.db('simple_pipeline').collection<{ _id: number }>('docs');
    const roundTrip = (d: Doc): Doc => BSON.deserialize(BSON.serialize(d));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(document, pipeline, fc.boolean(), async (shape, sent, upsert) => {
        const _id = ++n;
        // The pipeline as the server decodes it (a Long literal arrives as a number).
        const stages = roundTrip({ sent }).sent as Doc[];
        // What the server holds: the document as BSON carries it.
        const doc = roundTrip({ ...shape, _id });
        if (!upsert) await coll.insertOne(doc as { _id: number });
        const input = upsert ? { _id } : doc;
        const plain = viaMingo(input, stages);
        const write = coll.findOneAndUpdate({ _id }, stages, { upsert, returnDocument: 'after' });
        if ('error' in plain) {
          await expect(write).rejects.toMatchObject({ code: 2, message: plain.error });
          return;
        }
        // The server stores `_id` first in a new document, and puts it back first if a stage dropped it.
        const { _id: kept, ...rest } = plain.value;
        const stored = upsert || kept === undefined ? { _id, ...rest } : plain.value;
        let expected: Doc;
        try {
          expected = roundTrip(stored);
        } catch {
          // mingo's answer cannot be stored (e.g. a Date beyond BSON's range): not this test's concern.
          await write.catch(() => undefined);
          return;
        }
        expect(shown(await write)).toBe(shown(expected));
      }),
      { numRuns: Math.round(RUNS / 10) },
    );
  });
});
