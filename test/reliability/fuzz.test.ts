/**
 * Bad input at both doors, generated with fast-check: wrong types, missing and extra fields, huge,
 * empty and unicode strings, nested garbage, invalid JSON, wrong content types, hostile ids and
 * slugs, list parameters and GraphQL documents with wrong variables, and operator injection.
 *
 * Every answer is below 500: at REST a 4xx is a problem body, at GraphQL an error or a typed error.
 * Requests run in batches of 25 (8 at a time) against one service; around every batch the collection
 * is snapshot (EJSON of every document sorted by _id: count + SHA-256). A batch in which nothing was
 * acknowledged as written must leave that snapshot byte-for-byte unchanged, so every rejected
 * request in it provably changed nothing.
 */
import fc from 'fast-check';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProblem, SCALE, send, snapshot, type Answer } from '../support/reliability.ts';
import {
  CreatePortal,
  DeletePortal,
  GetPortal,
  GetPortalBySlug,
  ListPortals,
  UpsertPortal,
} from '../support/operations.ts';
import { ORG_A, ORG_B, startService, type TestService } from '../support/service.ts';

const BATCH = 25;
const CONCURRENCY = 8;

let service: TestService;
/**
 * The fuzz runs grow with SCALE, and so does the time they may take: a run cut off by its timeout would
 * leave its requests running into the next test, whose "nothing changed" checks would then fail.
 */
const FUZZ_TIMEOUT = { timeout: 30_000 * SCALE };

const SEEDED_IDS = Array.from({ length: 8 }, (_, i) => `seed-${i}`);

const FULL_BODY = {
  websiteId: 'web-seed',
  slug: 'seed-slug',
  name: 'Seeded portal',
  customDomain: 'billing.example.com',
  status: 'active',
  features: {
    authenticateWithPassword: true,
    orderCancel: false,
    orderAddressEdit: true,
    paymentInstrumentAdd: true,
    paymentInstrumentUpdate: false,
    paymentInstrumentDeactivate: true,
  },
  customization: {
    logoId: 'file_1',
    colors: { primary: 'aabbcc', secondary: '112233' },
    links: { termsOfService: 'https://example.com/t', privacyPolicy: null, refundPolicy: 'http://example.com/r' },
  },
};

beforeAll(async () => {
  // Rate limiting has its own tests; here every write must reach validation.
  service = await startService({ settings: { writesPerMinute: 1_000_000 } });
  for (const [i, id] of SEEDED_IDS.entries()) {
    const body = { ...FULL_BODY, slug: `seed-slug-${i}`, customDomain: `b${i}.example.com` };
    const res = await service.rest('PUT', `/billing-portals/${id}`, { body, key: i % 4 === 3 ? ORG_B.key : ORG_A.key });
    expect(res.status).toBe(201);
  }
});
afterAll(() => service?.close());

// ---------------------------------------------------------------------------------------------
// Generators

/** encodeURIComponent that also takes lone surrogates (as U+FFFD, what a client's encoder sends). */
function enc(text: string): string {
  return encodeURIComponent(
    text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'),
  );
}

const INJECTIONS: unknown[] = [
  { $gt: '' },
  { $ne: null },
  { $regex: '.*' },
  { $where: 'sleep(1000)' },
  { $in: ['seed-0', 'seed-1'] },
  { $exists: true },
  { 'a.b': 1 },
  { $set: { name: 'owned' } },
  [{ $gt: '' }],
];

const HOSTILE_STRINGS = [
  '',
  ' ',
  '\t\n',
  '.',
  '..',
  '../..',
  '../../etc/passwd',
  '..\\..\\windows',
  '%2e%2e%2f',
  '..%2F..%2F',
  '%00',
  'a%00b',
  '\u0000',
  'seed-0\u0000',
  '$gt',
  '$where',
  'a.b',
  '$',
  '{"$gt":""}',
  '__proto__',
  'constructor',
  'prototype',
  '%',
  '%zz',
  '\ud800',
  '😀😀😀',
  'ünïcødé',
  'ａｂｃｄｅ',
  '\u202e\u0041',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  'null',
  'NaN',
  '-1',
  '1e309',
  'x'.repeat(51),
  'y'.repeat(256),
  'z'.repeat(5000),
  '.*',
  '(a+)+$',
  'SEED-0',
  ' seed-0',
];

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ minLength: 51, maxLength: 400 }) },
  { weight: 1, arbitrary: fc.constantFrom('h'.repeat(100_000), '\u00e9'.repeat(20_000)) },
);

const garbage: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 3, arbitrary: fc.constantFrom(...INJECTIONS) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, [], {}, [[[]]], { a: { b: { c: {} } } }),
  },
  { weight: 1, arbitrary: fc.integer() },
);

/** Field paths of a portal body, plus keys a portal does not have. */
const FIELD_PATHS = [
  'websiteId',
  'slug',
  'name',
  'customDomain',
  'status',
  'features',
  'features.orderCancel',
  'features.authenticateWithPassword',
  'customization',
  'customization.logoId',
  'customization.colors',
  'customization.colors.primary',
  'customization.links.termsOfService',
  'customization.links',
  'id',
  'createdTime',
  '_links',
  'organizationId',
  'lookup',
  '$set',
  '$where',
  'a.b',
  'lookup.slug',
  'features.$gt',
  'customization.colors.$ne',
  'extra',
];

function setPath(target: Record<string, any>, path: string, value: unknown): void {
  const parts = path.split('.');
  // Keys such as "a.b" or "lookup.slug" are also tried as one dotted key.
  if (parts.length > 1 && !(parts[0] in target) && !['features', 'customization'].includes(parts[0])) {
    target[path] = value;
    return;
  }
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (node[part] === null || typeof node[part] !== 'object' || Array.isArray(node[part])) node[part] = {};
    node = node[part];
  }
  node[parts.at(-1)!] = value;
}

function deletePath(target: Record<string, any>, path: string): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (node?.[part] === null || typeof node?.[part] !== 'object') return;
    node = node[part];
  }
  delete node[parts.at(-1)!];
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), path: fc.constantFrom(...FIELD_PATHS), value: garbage }),
  fc.record({
    kind: fc.constant('delete' as const),
    path: fc.constantFrom(...FIELD_PATHS.slice(0, 14)),
    value: fc.constant(undefined),
  }),
);

/** A valid body with one to three fields broken, removed or added. */
const mutatedBody: fc.Arbitrary<unknown> = fc
  .tuple(fc.boolean(), fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.integer({ min: 0, max: 99 }))
  .map(([full, mutations, n]) => {
    const body: Record<string, any> = structuredClone(full ? FULL_BODY : { websiteId: 'w', slug: 'slug-x', name: 'n' });
    body.slug = `fz-slug-${n}`;
    for (const m of mutations) {
      // A copy: generated values may be shared constants, which must never be mutated.
      if (m.kind === 'set') setPath(body, m.path, structuredClone(m.value));
      else deletePath(body, m.path);
    }
    return body;
  });

/** A request body as sent: JSON of a value, or raw text that is not (all) JSON. */
const RAW_BODIES = [
  '',
  '{',
  '}',
  '{"websiteId":',
  'null',
  '[]',
  '"a string"',
  '42',
  'true',
  "{'websiteId':'w'}",
  '{"websiteId":"w","slug":"slug-x","name":"n",}',
  '{"websiteId":"w","slug":"slug-x","name":"n"}garbage',
  '{"__proto__":{"polluted":true},"websiteId":"w","slug":"proto-slug","name":"n"}',
  '{"constructor":{"prototype":{"polluted":true}},"websiteId":"w","slug":"proto-slug","name":"n"}',
  '{"websiteId":"w","websiteId":{"$gt":""},"slug":"dup-slug","name":"n"}',
  '['.repeat(10_000) + ']'.repeat(10_000),
  '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000),
  '\u0000\u0001\u0002',
  '\ufeff{"websiteId":"w","slug":"bom-slug","name":"n"}',
  `{"websiteId":"w","slug":"big-slug","name":"${'n'.repeat(1_100_000)}"}`,
];

const rawBody: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .oneof(mutatedBody, fc.jsonValue({ maxDepth: 4 }), garbage)
      .map((v) => JSON.stringify(v) ?? 'undefined'),
  },
  { weight: 2, arbitrary: fc.constantFrom(...RAW_BODIES) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }) },
  {
    weight: 1,
    arbitrary: fc.tuple(mutatedBody, fc.nat()).map(([v, cut]) => {
      const text = JSON.stringify(v);
      return text.slice(0, cut % Math.max(1, text.length)); // truncated JSON
    }),
  },
);

const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      undefined,
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'application/xml',
      'application/problem+json',
      'application/graphql',
      'APPLICATION/JSON',
      'application/json, text/plain',
      '',
      '*/*',
    ),
  },
);

/** Path segments: encoded hostile ids, and raw ones as a client might paste them. */
const hostileId: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: hostileString.filter((s) => s.length > 0).map((s) => enc(s)) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '%00',
      'seed-0%00',
      '..%2f..%2fetc%2fpasswd',
      '%2e%2e',
      '%zz',
      '%',
      'seed-0%2F..',
      '%7B%22%24gt%22%3A%22%22%7D',
      '%24gt',
      'a.b',
      '..;',
      '%C0%AE%C0%AE',
      '%F0%9F%98%80',
      '%ED%A0%80',
      'seed-0;drop',
      'seed-0?x=1',
      '~',
      '@',
      'x'.repeat(3000),
    ),
  },
);

const validFreshId = fc.integer({ min: 0, max: 999 }).map((n) => `fz-${n}`);
const putId = fc.oneof(fc.constantFrom(...SEEDED_IDS), validFreshId, hostileId);

const credentials = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ 'REB-APIKEY': ORG_A.key } as Record<string, string>) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Record<string, string>>(
      {},
      { 'REB-APIKEY': 'wrong-key-0123' },
      { 'REB-APIKEY': '' },
      { authorization: `Bearer ${ORG_B.key}` },
      { authorization: 'Bearer' },
      { authorization: `Basic ${ORG_A.key}` },
      { 'REB-APIKEY': `${ORG_A.key}\u00e9` },
      { 'REB-APIKEY': '{"$gt":""}' },
    ),
  },
);

const base = fc.oneof(
  { weight: 6, arbitrary: fc.constant('/billing-portals') },
  { weight: 1, arbitrary: fc.constant(`/organizations/${ORG_A.organizationId}/billing-portals`) },
  { weight: 1, arbitrary: fc.constant(`/organizations/${ORG_B.organizationId}/billing-portals`) },
  { weight: 1, arbitrary: hostileId.map((o) => `/organizations/${o}/billing-portals`) },
);

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

function withType(headers: Record<string, string>, type: string | undefined): Record<string, string> {
  return type === undefined ? headers : { ...headers, 'content-type': type };
}

const restWrite: fc.Arbitrary<FuzzRequest> = fc
  .record({
    method: fc.constantFrom('PUT', 'PUT', 'PUT', 'POST'),
    base,
    id: putId,
    body: rawBody,
    type: contentType,
    auth: credentials,
    slash: fc.boolean(),
  })
  .map(({ method, base, id, body, type, auth, slash }) => ({
    method,
    path: method === 'POST' ? `${base}${slash ? '/' : ''}` : `${base}/${id}${slash ? '/' : ''}`,
    headers: withType(auth, type),
    body,
  }));

const listValue = fc.oneof(
  hostileString,
  fc.constantFrom(
    '{"$gt":""}',
    '{"$ne":null}',
    '$where',
    '.*',
    '^',
    '\\',
    'a,b',
    ';;',
    '!',
    '!!',
    ':',
    '..',
    '2026-01-01..',
    'active',
    'ACTIVE',
  ),
);
const listField = fc.constantFrom(
  'websiteId',
  'slug',
  'status',
  'customDomain',
  'createdTime',
  'updatedTime',
  'name',
  '$where',
  'lookup.slug',
  '_id',
  '',
);
const filterText = fc
  .array(fc.tuple(listField, fc.array(fc.tuple(fc.boolean(), listValue), { minLength: 1, maxLength: 3 })), {
    minLength: 1,
    maxLength: 3,
  })
  .map((clauses) =>
    clauses.map(([f, vs]) => `${f}:${vs.map(([neg, v]) => `${neg ? '!' : ''}${v}`).join(',')}`).join(';'),
  );

const queryParam = fc.oneof(
  fc.tuple(fc.constant('filter'), fc.oneof(filterText, hostileString)),
  fc.tuple(fc.constant('q'), hostileString),
  fc.tuple(
    fc.constantFrom('limit', 'offset'),
    fc.oneof(
      fc.constantFrom(
        '-1',
        '1e3',
        '0x10',
        '１',
        '99999999999999999999',
        'NaN',
        '',
        ' 5',
        '5 ',
        '1001',
        '2147483648',
        '+1',
        '1.0',
      ),
      hostileString,
    ),
  ),
  fc.tuple(
    fc.constant('sort'),
    fc.oneof(fc.constantFrom('createdTime,createdTime', '--createdTime', 'name', '-', ',', '$natural'), hostileString),
  ),
  fc.tuple(
    fc.constantFrom(
      'filter[slug][$gt]',
      'filter.slug',
      '$where',
      'q[$regex]',
      '__proto__',
      'constructor',
      'filter[]',
      'limit[]',
      'unknown',
    ),
    hostileString,
  ),
);

const restRead: fc.Arbitrary<FuzzRequest> = fc.oneof(
  fc
    .record({ base, params: fc.array(queryParam, { minLength: 1, maxLength: 4 }), auth: credentials })
    .map(({ base, params, auth }) => ({
      method: 'GET',
      path: `${base}?${params.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')}`,
      headers: auth,
    })),
  fc
    .record({
      method: fc.constantFrom('GET', 'DELETE'),
      base,
      id: fc.oneof(hostileId, validFreshId),
      auth: credentials,
    })
    .map(({ method, base, id, auth }) => ({ method, path: `${base}/${id}`, headers: auth })),
  fc
    .record({
      method: fc.constantFrom('PATCH', 'OPTIONS', 'HEAD', 'DELETE', 'POST', 'PUT'),
      path: fc.constantFrom(
        '/billing-portals',
        '/billing-portals/seed-0',
        '/healthz',
        '/readyz',
        '/',
        '/billing-portals/seed-0/extra',
        '/../billing-portals',
      ),
      auth: credentials,
      body: fc.option(rawBody, { nil: undefined }),
    })
    .filter((r) => !(r.method === 'DELETE' && r.path === '/billing-portals/seed-0'))
    .filter((r) => !(['POST', 'PUT'].includes(r.method) && r.path.startsWith('/billing-portals')))
    .map(({ method, path, auth, body }) =>
      body === undefined || method === 'HEAD'
        ? { method, path, headers: auth }
        : { method, path, headers: withType(auth, 'application/json'), body },
    ),
);

const DOCUMENTS = [UpsertPortal, CreatePortal, DeletePortal, GetPortal, GetPortalBySlug, ListPortals].map((d) =>
  print(d),
);

const graphqlVariables: fc.Arbitrary<unknown> = fc.oneof(
  fc.record(
    {
      id: fc.oneof(garbage, hostileString, fc.constantFrom(...SEEDED_IDS)),
      input: fc.oneof(mutatedBody, garbage),
      slug: fc.oneof(garbage, fc.constantFrom('seed-slug-0')),
      first: fc.oneof(fc.integer(), garbage),
      last: garbage,
      after: fc.oneof(hostileString, fc.base64String({ maxLength: 40 })),
      before: hostileString,
      query: garbage,
      filter: fc.oneof(
        garbage,
        fc.record(
          { slug: garbage, status: garbage, websiteId: fc.record({ in: garbage }), createdTime: garbage },
          { requiredKeys: [] },
        ),
      ),
      orderBy: garbage,
      extra: garbage,
    },
    { requiredKeys: [] },
  ),
  garbage,
);

const GARBAGE_DOCUMENTS = [
  '',
  '{',
  'query',
  '{ billingPortal }',
  '{ billingPortal(id: "seed-0") { secret } }',
  '{ __schema { types { name } } }',
  'mutation { deleteBillingPortal(id: {$gt: ""}) { __typename } }',
  '{ billingPortal(id: {$gt: ""}) { id } }',
  'subscription { x }',
  `{ ${'a: billingPortals { totalCount } '.repeat(200)} }`,
  `{ billingPortals { ${'edges { node { id } } '.repeat(300)} } }`,
  `query ${'($a: Int)'.repeat(1)} { billingPortals(first: $a) { totalCount } }`,
  `{ billingPortal(id: "${'x'.repeat(100_000)}") { id } }`,
  '{'.repeat(5_000) + '}'.repeat(5_000),
  'query Q { billingPortals { totalCount } } query Q { billingPortals { totalCount } }',
  'fragment F on BillingPortal { ...F } { billingPortal(id: "seed-0") { ...F } }',
];

const graphqlRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({
        query: fc.oneof(
          { weight: 5, arbitrary: fc.constantFrom(...DOCUMENTS) },
          { weight: 1, arbitrary: fc.constantFrom(...GARBAGE_DOCUMENTS) },
          { weight: 1, arbitrary: fc.string({ maxLength: 80 }) },
        ),
        variables: graphqlVariables,
        operationName: fc.option(fc.oneof(fc.constantFrom('UpsertPortal', 'Nope'), garbage), { nil: undefined }),
        type: contentType,
        auth: credentials,
      })
      .map(({ query, variables, operationName, type, auth }) => ({
        method: 'POST',
        path: '/graphql',
        headers: withType({ ...auth, accept: 'application/graphql-response+json, application/json' }, type),
        body: JSON.stringify({ query, variables, operationName }),
      })),
  },
  {
    weight: 1,
    arbitrary: fc.record({ body: rawBody, type: contentType, auth: credentials }).map(({ body, type, auth }) => ({
      method: 'POST',
      path: '/graphql',
      headers: withType(auth, type),
      body,
    })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({
        query: fc.constantFrom(...DOCUMENTS, ...GARBAGE_DOCUMENTS.slice(0, 9)),
        variables: fc.oneof(
          hostileString,
          graphqlVariables.map((v) => JSON.stringify(v) ?? ''),
        ),
        auth: credentials,
      })
      .map(({ query, variables, auth }) => ({
        method: 'GET',
        path: `/graphql?query=${enc(query)}&variables=${enc(variables)}`,
        headers: { ...auth, accept: 'application/json' },
      })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ method: fc.constantFrom('PUT', 'DELETE', 'PATCH'), auth: credentials })
      .map(({ method, auth }) => ({
        method,
        path: '/graphql',
        headers: auth,
      })),
  },
);

// ---------------------------------------------------------------------------------------------
// Running and checking

const totals = {
  requests: 0,
  rejected: 0,
  accepted: 0,
  serverErrors: 0,
  verifiedUnchanged: 0,
  batches: 0,
  cleanBatches: 0,
};

function describeRequest(r: FuzzRequest): string {
  const clip = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}…(${s.length} chars)` : s);
  return `${r.method} ${clip(r.path)} ${JSON.stringify(r.headers)} ${r.body === undefined ? '' : clip(r.body)}`;
}

/** Whether an answer says something was written. */
function wrote(r: FuzzRequest, answer: Answer): boolean {
  if (answer.status < 200 || answer.status >= 300) return false;
  if (r.path.startsWith('/graphql')) return /Success"/.test(answer.text);
  return r.method !== 'GET';
}

/** What is wrong with an answer, if anything. */
function checkAnswer(r: FuzzRequest, answer: Answer): string | undefined {
  if (answer.status === 0) return `no answer (${answer.error})`;
  if (answer.status >= 500) return `${answer.status}: ${answer.text.slice(0, 300)}`;
  if (r.path.startsWith('/graphql')) {
    // A GraphQL error; or, where no GraphQL request could be read at all, a problem body, or the
    // bare 415 (unsupported media type) that GraphQL over HTTP allows.
    const graphQLErrors = Array.isArray(answer.json?.errors) && answer.json.errors.length > 0;
    if (
      answer.status >= 400 &&
      !graphQLErrors &&
      !isProblem(answer) &&
      !(answer.status === 415 && answer.text === '')
    ) {
      return `${answer.status} without GraphQL errors: ${answer.text.slice(0, 300)}`;
    }
    if (answer.status === 200 && r.method !== 'GET' && answer.json === undefined) return `200 without a JSON body`;
  } else if (answer.status >= 400 && r.method !== 'HEAD' && !isProblem(answer)) {
    return `${answer.status} without a problem body: ${answer.text.slice(0, 300)}`;
  }
  if (/MongoServerError|MongoError|at [\w.]+ \(|node_modules|\/work\//.test(answer.text))
    return `leaks internals: ${answer.text.slice(0, 300)}`;
  return undefined;
}

async function runBatch(batch: FuzzRequest[]): Promise<string[]> {
  const before = await snapshot(service.portals);
  const results: Array<{ request: FuzzRequest; answer: Answer }> = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < batch.length) {
        const request = batch[next++];
        const answer = await send(`${service.url}${request.path}`, { ...request, timeoutMs: 15_000 });
        results.push({ request, answer });
      }
    }),
  );
  const after = await snapshot(service.portals);
  const failures: string[] = [];
  let anyWrite = false;
  for (const { request, answer } of results) {
    totals.requests++;
    if (answer.status >= 500) totals.serverErrors++;
    if (answer.status >= 400) totals.rejected++;
    else if (answer.status >= 200) totals.accepted++;
    anyWrite ||= wrote(request, answer);
    const problem = checkAnswer(request, answer);
    if (problem) failures.push(`${problem}\n    for ${describeRequest(request)}`);
  }
  totals.batches++;
  if (!anyWrite) {
    totals.cleanBatches++;
    totals.verifiedUnchanged += results.filter((r) => r.answer.status >= 400).length;
    if (after.count !== before.count || after.hash !== before.hash) {
      failures.push(
        `stored data changed (${before.count} → ${after.count} documents) in a batch that acknowledged no write:\n` +
          results.map((r) => `    ${r.answer.status} ${describeRequest(r.request)}`).join('\n'),
      );
    }
  }
  return failures;
}

/**
 * `batches` generated batches; every bad answer is collected (the run goes on, so that one finding
 * does not hide the others) and reported grouped by kind, with one reproducing request each.
 */
async function fuzz(name: string, request: fc.Arbitrary<FuzzRequest>, batches: number): Promise<void> {
  const failures: string[] = [];
  await fc.assert(
    fc.asyncProperty(fc.array(request, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
      failures.push(...(await runBatch(batch)));
    }),
    { numRuns: batches },
  );
  expect(grouped(failures), `${name}: ${failures.length} bad answers`).toEqual([]);
}

/** One example per kind of failure (its first line with digits and long runs blurred), with a count. */
function grouped(failures: string[]): string[] {
  const kinds = new Map<string, { count: number; example: string }>();
  for (const failure of failures) {
    const kind = failure.split('\n')[0].slice(0, 120);
    const entry = kinds.get(kind) ?? { count: 0, example: failure };
    entry.count++;
    kinds.set(kind, entry);
  }
  return [...kinds.values()].map(({ count, example }) => `${count}× ${example}`);
}

describe('fuzzing both doors', () => {
  afterAll(() => {
    console.log(
      `fuzz: ${totals.requests} requests, ${totals.rejected} rejected (4xx), ${totals.accepted} accepted (2xx), ` +
        `${totals.serverErrors} 5xx; ${totals.verifiedUnchanged} rejections verified to change nothing ` +
        `(${totals.cleanBatches}/${totals.batches} batches wrote nothing and left the snapshot unchanged)`,
    );
  });

  // First, while only the seeded portals exist: a literal match of an injection must find nothing.
  it('operator injection is rejected or taken literally, never executed', async () => {
    const failures: string[] = [];
    const json = { 'content-type': 'application/json', 'REB-APIKEY': ORG_A.key };
    const before = await snapshot(service.portals);
    const batch: FuzzRequest[] = [];
    const expectations: Array<(a: Answer) => string | undefined> = [];
    const add = (request: FuzzRequest, expectation: (a: Answer) => string | undefined) => {
      batch.push(request);
      expectations.push(expectation);
    };
    // Error messages may echo what was sent; only data may not carry a stored portal.
    const leaks = (a: Answer) => {
      const data = JSON.stringify(Array.isArray(a.json) ? a.json : (a.json?.data ?? null));
      return /seed-[0-7]|Seeded portal|seed-slug/.test(data)
        ? `leaks a stored portal: ${data.slice(0, 200)}`
        : undefined;
    };

    // In every field of a PUT body, at the top level and nested, and as keys.
    const paths = FIELD_PATHS.filter((p) => !['id', 'createdTime', '_links'].includes(p));
    for (const path of paths) {
      for (const injection of INJECTIONS) {
        const body: Record<string, any> = { websiteId: 'w', slug: 'inject-slug', name: 'n' };
        setPath(body, path, structuredClone(injection));
        add({ method: 'PUT', path: '/billing-portals/seed-0', headers: json, body: JSON.stringify(body) }, (a) =>
          a.status === 422 ? undefined : `expected 422, got ${a.status}`,
        );
      }
    }
    // In list filters and searches: rejected, or taken as literal text that matches nothing.
    for (const field of ['websiteId', 'slug', 'status', 'customDomain', 'createdTime']) {
      for (const value of ['{"$gt":""}', '{"$ne":null}', '$where', '{"$regex":".*"}', '.*']) {
        add(
          {
            method: 'GET',
            path: `/billing-portals?filter=${enc(`${field}:${value}`)}`,
            headers: { 'REB-APIKEY': ORG_A.key },
          },
          (a) =>
            a.status === 400 || (a.status === 200 && a.headers?.get('pagination-total') === '0')
              ? leaks(a)
              : `expected 400 or nothing found, got ${a.status} ${a.text.slice(0, 200)}`,
        );
      }
    }
    for (const q of ['{"$gt":""}', '.*', '$where', '^seed', '[', '(']) {
      add({ method: 'GET', path: `/billing-portals?q=${enc(q)}`, headers: { 'REB-APIKEY': ORG_A.key } }, (a) =>
        a.status === 400 || (a.status === 200 && a.headers?.get('pagination-total') === '0')
          ? leaks(a)
          : `expected 400 or nothing found, got ${a.status}`,
      );
    }
    for (const param of [
      'filter[slug][$gt]=',
      'filter[slug]=seed-slug-0',
      'q[$regex]=.*',
      '$where=1',
      'filter.slug=x',
    ]) {
      add({ method: 'GET', path: `/billing-portals?${param}`, headers: { 'REB-APIKEY': ORG_A.key } }, (a) =>
        a.status === 400 ? undefined : `expected 400, got ${a.status}`,
      );
    }
    // In GraphQL variables.
    const gql = (query: string, variables: unknown): FuzzRequest => ({
      method: 'POST',
      path: '/graphql',
      headers: json,
      body: JSON.stringify({ query, variables }),
    });
    for (const injection of INJECTIONS) {
      add(gql(DOCUMENTS[3], { id: injection }), (a) =>
        a.json?.data?.billingPortal ? `found a portal: ${a.text.slice(0, 200)}` : leaks(a),
      );
      add(gql(DOCUMENTS[4], { slug: injection }), (a) =>
        a.json?.data?.billingPortalBySlug ? `found a portal: ${a.text.slice(0, 200)}` : leaks(a),
      );
      add(
        {
          method: 'GET',
          path: `/billing-portals/${enc(JSON.stringify(injection))}`,
          headers: { 'REB-APIKEY': ORG_A.key },
        },
        (a) => (a.status === 404 ? undefined : `expected 404, got ${a.status}`),
      );
      add(gql(DOCUMENTS[2], { id: injection }), (a) =>
        /Success/.test(a.text) ? `deleted something: ${a.text}` : undefined,
      );
      add(gql(DOCUMENTS[0], { id: 'seed-0', input: { websiteId: injection, slug: 'inject-slug', name: 'n' } }), (a) =>
        /Success/.test(a.text) ? `wrote: ${a.text.slice(0, 200)}` : undefined,
      );
      add(
        gql(DOCUMENTS[0], { id: 'seed-0', input: { websiteId: 'w', slug: 'inject-slug', name: 'n', $set: injection } }),
        (a) => (/Success/.test(a.text) ? `wrote: ${a.text.slice(0, 200)}` : undefined),
      );
      for (const filter of [
        { slug: injection },
        { slug: { in: injection } },
        { slug: { in: [injection] } },
        { websiteId: { notIn: injection } },
        { createdTime: { from: injection } },
      ]) {
        add(gql(DOCUMENTS[5], { filter }), (a) =>
          a.json?.data?.billingPortals && a.json.data.billingPortals.totalCount !== 0
            ? `matched ${a.json.data.billingPortals.totalCount}`
            : undefined,
        );
      }
      add(gql(DOCUMENTS[5], { query: injection }), (a) =>
        a.json?.data?.billingPortals && a.json.data.billingPortals.totalCount !== 0
          ? `matched ${a.json.data.billingPortals.totalCount}`
          : undefined,
      );
    }
    for (let i = 0; i < batch.length; i += BATCH) {
      const slice = batch.slice(i, i + BATCH);
      failures.push(...(await runBatch(slice)));
    }
    // Each request once more, to hold each answer against its own expectation.
    for (const [i, request] of batch.entries()) {
      const answer = await send(`${service.url}${request.path}`, request);
      const problem = expectations[i](answer) ?? (answer.status >= 500 ? `${answer.status}` : undefined);
      if (problem) failures.push(`${problem}\n    for ${describeRequest(request)}`);
    }
    const after = await snapshot(service.portals);
    expect(grouped(failures)).toEqual([]);
    expect(after.text).toBe(before.text);
  });

  it('REST writes: bad bodies, content types, ids and credentials', FUZZ_TIMEOUT, async () => {
    await fuzz('REST writes', restWrite, 90 * SCALE);
  });

  it('REST reads, deletes, list parameters and wrong methods', FUZZ_TIMEOUT, async () => {
    await fuzz('REST reads', restRead, 60 * SCALE);
  });

  it('GraphQL: documents with wrong variables, garbage documents and bodies, wrong methods', FUZZ_TIMEOUT, async () => {
    await fuzz('GraphQL', graphqlRequest, 70 * SCALE);
  });

  it('NUL and other control characters in search text and filters are answered, not a 500', async () => {
    const failures: string[] = [];
    for (const text of ['seed-0\u0000', '\u0000', 'a\u0001b', '\u001f', '\u007f']) {
      for (const path of [`/billing-portals?q=${enc(text)}`, `/billing-portals?filter=${enc(`slug:${text}`)}`]) {
        const answer = await send(`${service.url}${path}`, { headers: { 'REB-APIKEY': ORG_A.key } });
        if (!(answer.status === 400 || answer.status === 200))
          failures.push(`${answer.status} for GET ${path}: ${answer.text.slice(0, 200)}`);
      }
      const answer = await send(`${service.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'REB-APIKEY': ORG_A.key },
        body: JSON.stringify({ query: DOCUMENTS[5], variables: { query: text } }),
      });
      if (answer.status !== 200 || answer.json?.errors)
        failures.push(
          `GraphQL billingPortals(query: ${JSON.stringify(text)}): ${answer.status} ${answer.text.slice(0, 200)}`,
        );
    }
    expect(failures).toEqual([]);
  });

  it('the service is still healthy and serves a PUT and a GET', async () => {
    expect((await send(`${service.url}/healthz`)).status).toBe(200);
    const put = await service.rest('PUT', '/billing-portals/after-fuzz', {
      body: { websiteId: 'w', slug: 'after-fuzz', name: 'after' },
    });
    expect(put.status).toBe(201);
    expect((await service.rest('GET', '/billing-portals/after-fuzz')).body).toEqual(put.body);
    expect(totals.requests).toBeGreaterThanOrEqual(5_000 * SCALE);
  });
});
