/**
 * OpenTelemetry traces, received by an OTLP/HTTP receiver on loopback in this process: one trace per
 * request under the caller's W3C `traceparent` — the HTTP server span, the GraphQL operation's span under
 * it (at both doors: the REST PUT runs a GraphQL mutation too) and a span per MongoDB command under those
 * — with the names and attributes README.md documents; responses identical with tracing on and off; and
 * the real process, which sends to OTEL_EXPORTER_OTLP_ENDPOINT, flushes on SIGTERM, and sends nothing when
 * tracing is off.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createTracerProvider } from '../src/observability/tracer-provider.ts';
import { Tracing } from '../src/observability/tracing.ts';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver.ts';
import { cleanupAfterAll, killIfRunning, runRefusedConfiguration, startServiceProcess } from './support/process.ts';
import { ORG_A, ORG_B, portalBody, startService, type TestService } from './support/service.ts';
import { HISTORY_COLLECTION_NAME } from '../src/portals/mongo/history-store.ts';

/** A caller's span: its trace id, its span id, and the `traceparent` header that carries them (sampled). */
function callerSpan() {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

function graphqlPost(url: string, query: string, headers: Record<string, string> = {}) {
  return fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'REB-APIKEY': ORG_A.key, ...headers },
    body: JSON.stringify({ query }),
  });
}

const UPSERT = (id: string, slug: string) => /* GraphQL */ `
  mutation UpsertTraced {
    upsertBillingPortal(id: "${id}", input: { websiteId: "web-1", slug: "${slug}", name: "Secret name" }) {
      __typename
    }
  }
`;

const only = (spans: ReceivedSpan[], predicate: (span: ReceivedSpan) => boolean) => {
  const found = spans.filter(predicate);
  expect(found, JSON.stringify(spans, null, 1)).toHaveLength(1);
  return found[0];
};

/** Every database span of the trace is a MongoDB client span under one of `parents`, and names no value. */
function expectDatabaseSpans(spans: ReceivedSpan[], parents: ReceivedSpan[]): ReceivedSpan[] {
  const database = spans.filter((span) => span.kind === 'client');
  expect(database.length).toBeGreaterThan(0);
  for (const span of database) {
    expect(parents.map((parent) => parent.spanId)).toContain(span.parentSpanId);
    expect(span.attributes).toMatchObject({ 'db.system': 'mongodb', 'db.system.name': 'mongodb' });
    const { 'db.operation.name': operation, 'db.collection.name': collection } = span.attributes;
    expect(span.name).toBe(`${operation} ${collection}`);
  }
  return database;
}

describe('traces of requests (in-process service)', () => {
  let receiver: OtlpReceiver;
  let provider: TracerProvider;
  let traced: TestService;
  let untraced: TestService;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    provider = createTracerProvider({
      url: `${receiver.endpoint}/v1/traces`,
      protocol: 'http/json',
      sampler: 'parentbased_always_on',
      samplerRatio: 1,
      batch: {},
    });
    [traced, untraced] = await Promise.all([startService({ tracing: new Tracing(provider) }), startService()]);
  });
  afterAll(async () => {
    await Promise.all([traced?.close(), untraced?.close()]);
    await provider?.shutdown();
    await receiver?.close();
  });

  /**
   * The spans of `traceId` once its `requests` server spans have arrived: sent now by a flush, or, for a span
   * that ended only after the client had its response, with the next batch.
   */
  async function spansOf(traceId: string, requests = 1): Promise<ReceivedSpan[]> {
    await provider.forceFlush();
    return receiver.waitFor(traceId, (spans) => spans.filter((span) => span.kind === 'server').length >= requests);
  }

  it('a REST PUT: server span under the caller, its GraphQL mutation, and the database commands', async () => {
    const caller = callerSpan();
    const body = portalBody({ name: 'Secret name' });
    const response = await traced.rest('PUT', '/billing-portals/traced-rest', {
      body,
      headers: { traceparent: caller.traceparent },
    });
    expect(response.status).toBe(201);

    const spans = await spansOf(caller.traceId);
    const server = only(spans, (span) => span.kind === 'server');
    expect(server).toMatchObject({
      parentSpanId: caller.spanId,
      name: 'PUT /billing-portals/:id',
      attributes: {
        'http.request.method': 'PUT',
        'http.route': '/billing-portals/:id',
        'http.response.status_code': 201,
        'url.path': '/billing-portals/traced-rest',
        'url.scheme': 'http',
      },
      statusCode: 0,
      resource: { 'service.name': 'billing-portal-service' },
    });
    const operation = only(spans, (span) => span.kind === 'internal');
    expect(operation).toMatchObject({
      parentSpanId: server.spanId,
      name: 'mutation RestUpsertBillingPortal',
      attributes: { 'graphql.operation.type': 'mutation', 'graphql.operation.name': 'RestUpsertBillingPortal' },
    });
    const database = expectDatabaseSpans(spans, [server, operation]);
    // The write itself runs in the operation; the write budget is spent before it, in the request.
    expect(database.filter((span) => span.parentSpanId === operation.spanId).map((span) => span.name)).toContain(
      'findAndModify billingPortals',
    );
    expect(database.some((span) => span.parentSpanId === server.spanId && /writeBudgets$/.test(span.name))).toBe(true);
    // No value of the request is recorded: not its body, nor the API key.
    const recorded = JSON.stringify(spans);
    for (const value of ['Secret name', body.slug as string, ORG_A.key]) expect(recorded).not.toContain(value);

    // The history insert is shared by the writes that arrive together, so it is no one request's span.
    const history = traced.db.collection(HISTORY_COLLECTION_NAME);
    expect(await history.countDocuments({ portalId: 'traced-rest' })).toBe(1);
    await provider.forceFlush();
    const later = await receiver.waitFor(caller.traceId, () => true);
    expect(later.map((span) => span.name)).not.toContain('insert billingPortalHistory');
    expect(later).toHaveLength(spans.length);
  });

  it('a GraphQL mutation: server span under the caller, the operation span, database commands under it', async () => {
    const caller = callerSpan();
    const response = await graphqlPost(traced.url, UPSERT('traced-gql', 'traced-gql-slug'), {
      traceparent: caller.traceparent,
    });
    expect(response.status).toBe(200);
    expect((await response.json()).data.upsertBillingPortal.__typename).toBe('UpsertBillingPortalSuccess');

    const spans = await spansOf(caller.traceId);
    const server = only(spans, (span) => span.kind === 'server');
    expect(server).toMatchObject({
      parentSpanId: caller.spanId,
      name: 'POST /graphql',
      attributes: { 'http.route': '/graphql', 'http.response.status_code': 200 },
    });
    const operation = only(spans, (span) => span.kind === 'internal');
    expect(operation).toMatchObject({
      parentSpanId: server.spanId,
      name: 'mutation UpsertTraced',
      attributes: { 'graphql.operation.type': 'mutation', 'graphql.operation.name': 'UpsertTraced' },
      statusCode: 0,
    });
    // The write budget and the write: both in the operation.
    const database = expectDatabaseSpans(spans, [operation]).map((span) => span.name);
    expect(database).toEqual(expect.arrayContaining(['findAndModify writeBudgets', 'findAndModify billingPortals']));
    const recorded = JSON.stringify(spans);
    for (const value of ['Secret name', 'traced-gql-slug']) expect(recorded).not.toContain(value);
  });

  it('a query with errors, an anonymous one, and an unrouted URL: named by type and method, never by URL', async () => {
    const caller = callerSpan();
    const headers = { traceparent: caller.traceparent };
    expect((await graphqlPost(traced.url, '{ billingPortal(id: "traced-gql") { name } }', headers)).status).toBe(200);
    const failing = await fetch(`${traced.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: caller.traceparent },
      body: JSON.stringify({ query: 'query Keyless { billingPortal(id: "traced-gql") { name } }' }),
    });
    expect((await failing.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    // A GET goes through the whole of Yoga rather than the JSON POST's shortcut: a span all the same.
    const viaGet = await fetch(`${traced.url}/graphql?query=${encodeURIComponent('query ViaGet { __typename }')}`, {
      headers: { ...headers, 'REB-APIKEY': ORG_A.key },
    });
    expect(viaGet.status).toBe(200);
    expect((await fetch(`${traced.url}/no-such/route-42`, { headers })).status).toBe(404);

    const spans = await spansOf(caller.traceId, 4);
    const operations = spans.filter((span) => span.kind === 'internal');
    // The keyless request is refused before its body is read: a server span, no operation span.
    expect(operations.map((span) => [span.name, span.statusCode])).toHaveLength(2);
    expect(operations.map((span) => [span.name, span.statusCode])).toEqual(
      expect.arrayContaining([
        ['query', 0],
        ['query ViaGet', 0],
      ]),
    );
    const refused = spans.filter((span) => span.attributes['http.response.status_code'] === 401);
    expect(refused.map((span) => [span.kind, span.name])).toEqual([['server', 'POST /graphql']]);
    const getSpan = only(spans, (span) => span.name === 'GET /graphql');
    expect(only(operations, (span) => span.name === 'query ViaGet').parentSpanId).toBe(getSpan.spanId);
    const unrouted = only(spans, (span) => span.kind === 'server' && span.attributes['http.route'] === undefined);
    expect(unrouted).toMatchObject({ name: 'GET', attributes: { 'http.response.status_code': 404 }, statusCode: 0 });
    expect(spans.map((span) => span.name).filter((name) => name.includes('route-42'))).toEqual([]);
  });

  it('starts a trace of its own without a traceparent, or with one that is not valid', async () => {
    const cases = [undefined, 'not-a-traceparent', `00-${'0'.repeat(32)}-${'1'.repeat(16)}-01`];
    for (const [i, traceparent] of cases.entries()) {
      const response = await fetch(`${traced.url}/billing-portals/root-${i}`, {
        headers: { 'REB-APIKEY': ORG_A.key, ...(traceparent && { traceparent }) },
      });
      expect(response.status).toBe(404);
    }
    const isCase = (span: ReceivedSpan) =>
      span.kind === 'server' && /^\/billing-portals\/root-\d$/.test(String(span.attributes['url.path']));
    await provider.forceFlush();
    await receiver.waitUntil((spans) => spans.filter(isCase).length === cases.length);
    const roots = receiver.spans.filter(isCase);
    expect(roots.map((span) => span.parentSpanId)).toEqual(['', '', '']);
    expect(new Set(roots.map((span) => span.traceId)).size).toBe(cases.length);
  });

  it("follows the caller's decision not to sample: no spans for that trace", async () => {
    const [unsampled, sampled] = [callerSpan(), callerSpan()];
    const headers = (traceparent: string) => ({ 'REB-APIKEY': ORG_A.key, traceparent });
    const notSampled = unsampled.traceparent.replace(/-01$/, '-00');
    expect((await fetch(`${traced.url}/billing-portals/traced-rest`, { headers: headers(notSampled) })).status).toBe(
      200,
    );
    expect(
      (await fetch(`${traced.url}/billing-portals/traced-rest`, { headers: headers(sampled.traceparent) })).status,
    ).toBe(200);
    // The later request's spans have arrived, and with them anything the earlier one would have sent.
    expect(await spansOf(sampled.traceId)).not.toEqual([]);
    expect(receiver.spans.filter((span) => span.traceId === unsampled.traceId)).toEqual([]);
  });

  it('keeps each request in its own trace when requests run at once', async () => {
    // A write first, so that the budget's window is open and each spend is one command.
    expect((await traced.rest('PUT', '/billing-portals/at-once', { body: portalBody() })).status).toBe(201);
    const callers = Array.from({ length: 12 }, callerSpan);
    const responses = await Promise.all(
      callers.map((caller, i) =>
        i % 2
          ? traced.rest('PUT', `/billing-portals/at-once-${i}`, {
              body: portalBody(),
              headers: { traceparent: caller.traceparent },
            })
          : graphqlPost(traced.url, UPSERT(`at-once-${i}`, `at-once-${i}`), { traceparent: caller.traceparent }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(callers.map((_, i) => (i % 2 ? 201 : 200)));
    let budgetCommands = 0;
    for (const caller of callers) {
      const spans = await spansOf(caller.traceId);
      const operation = only(spans, (span) => span.kind === 'internal');
      // Its own write, under its own operation: no command of another request strayed into this trace.
      expect(only(spans, (span) => span.name === 'findAndModify billingPortals').parentSpanId).toBe(operation.spanId);
      // Spends that arrive together go to the database as one command, in the trace of the first of them
      // (not in the trace of whichever request's command was on its way before).
      const budget = spans.filter((span) => span.name === 'findAndModify writeBudgets');
      expect(budget.length).toBeLessThanOrEqual(1);
      budgetCommands += budget.length;
    }
    expect(budgetCommands).toBeGreaterThan(0);
  });

  it('changes no response: the same requests answer alike with tracing on and off', async () => {
    const caller = callerSpan();
    const exchanges: Array<[string, string, RequestInit]> = [
      ['PUT', '/billing-portals/alike', { body: JSON.stringify(portalBody({ slug: 'alike' })) }],
      ['PUT', '/billing-portals/alike', { body: JSON.stringify(portalBody({ slug: 'alike', name: 'Renamed' })) }],
      ['PUT', '/billing-portals/alike-bad', { body: JSON.stringify({ slug: 'No Spaces Allowed' }) }],
      ['GET', '/billing-portals/alike', {}],
      ['GET', '/billing-portals?limit=5', {}],
      ['DELETE', '/billing-portals/no-such-portal', {}],
      ['GET', '/no-such-route', {}],
      ['POST', '/graphql', { body: JSON.stringify({ query: UPSERT('alike-gql', 'alike-gql') }) }],
      ['POST', '/graphql', { body: JSON.stringify({ query: '{ billingPortal(id: "alike") { name slug } }' }) }],
      ['POST', '/graphql', { body: JSON.stringify({ query: '{ billingPortal(id: "alike") { noSuchField } }' }) }],
      ['GET', '/graphql?query=%7B__typename%7D', {}],
      ['GET', '/healthz', {}],
    ];
    async function answers(service: TestService) {
      const seen = [];
      for (const [method, url, init] of exchanges) {
        const response = await fetch(`${service.url}${url}`, {
          method,
          ...init,
          // Another organization than the other tests', whose write budget is as yet unspent on both.
          headers: {
            'REB-APIKEY': ORG_B.key,
            traceparent: caller.traceparent,
            ...(init.body && { 'content-type': 'application/json' }),
          },
        });
        const headers = Object.fromEntries([...response.headers].filter(([name]) => name !== 'date'));
        seen.push({ request: `${method} ${url}`, status: response.status, headers, body: await response.text() });
      }
      // Generated values: times, revisions (and ETags made of them), and each service's own port.
      return JSON.stringify(seen)
        .replaceAll(service.url, 'http://service')
        .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '<time>')
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<revision>')
        .replace(/"x-ratelimit-retry-after":"\d+"/g, '"x-ratelimit-retry-after":"<seconds>"');
    }
    const [on, off] = [await answers(traced), await answers(untraced)];
    expect(on).toBe(off);
    // And tracing was on for the first: each request made a server span.
    expect((await spansOf(caller.traceId, exchanges.length)).filter((span) => span.kind === 'server')).toHaveLength(
      exchanges.length,
    );
  });
});

describe('the tracing configuration', () => {
  it('is off unless an OTLP endpoint is set, and off with OTEL_SDK_DISABLED or OTEL_TRACES_EXPORTER=none', () => {
    expect(loadConfig({}).tracing).toBeUndefined();
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' };
    expect(loadConfig({ ...endpoint, OTEL_SDK_DISABLED: 'TRUE' }).tracing).toBeUndefined();
    expect(loadConfig({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' }).tracing).toBeUndefined();
    expect(loadConfig(endpoint).tracing).toMatchObject({
      url: 'http://collector:4318/v1/traces',
      protocol: 'http/protobuf',
      sampler: 'parentbased_always_on',
    });
    expect(
      loadConfig({
        ...endpoint,
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/custom',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
        OTEL_BSP_SCHEDULE_DELAY: '200',
      }).tracing,
    ).toMatchObject({
      url: 'https://traces.example/custom',
      protocol: 'http/json',
      sampler: 'parentbased_traceidratio',
      samplerRatio: 0.25,
      batch: { scheduledDelayMillis: 200 },
    });
  });

  it('sends OTLP protobuf by default (what OTEL_EXPORTER_OTLP_PROTOCOL defaults to)', async () => {
    const receiver = await startOtlpReceiver();
    const settings = loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint }).tracing!;
    const provider = createTracerProvider(settings);
    try {
      const tracing = new Tracing(provider);
      tracing.endRequest(tracing.startRequest('GET /healthz', {}, {}), 200);
      // This receiver takes JSON only, so the export is refused; what was sent is what counts here.
      await provider.forceFlush().catch(() => undefined);
      expect(receiver.requests).toEqual([
        { method: 'POST', path: '/v1/traces', contentType: 'application/x-protobuf' },
      ]);
    } finally {
      await provider.shutdown();
      await receiver.close();
    }
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://collector/v1/traces' }, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'http'],
    [{ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http' }, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'http/json'],
    [{ OTEL_TRACES_SAMPLER: 'sometimes' }, 'OTEL_TRACES_SAMPLER', 'parentbased_traceidratio'],
    [{ OTEL_TRACES_SAMPLER_ARG: '2' }, 'OTEL_TRACES_SAMPLER_ARG', '1'],
    [{ OTEL_BSP_MAX_QUEUE_SIZE: '0' }, 'OTEL_BSP_MAX_QUEUE_SIZE', '1'],
  ])('refuses %o, naming %s and what it takes', (env, variable, hint) => {
    expect(() => loadConfig(env)).toThrow(new RegExp(`${variable}: .*${hint}`));
  });

  it.each([
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4318' },
      'OTEL_EXPORTER_OTLP_ENDPOINT: must be an http:// or https:// URL',
    ],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'OTEL_EXPORTER_OTLP_PROTOCOL: grpc is not supported by this service'],
  ])('the process refuses %o and says why before it starts', async (env, message) => {
    const { code, output } = await runRefusedConfiguration(env);
    expect(code).toBe(1);
    expect(output).toContain(message);
  });
});

describe.skipIf(!!process.env.MONGODB_URI)('traces of the service process', () => {
  const cleanup = cleanupAfterAll();
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    cleanup(() => receiver.close());
  });

  async function start(env: Record<string, string>) {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'billing-traces-'));
    cleanup(() => rm(dataDir, { recursive: true, force: true }));
    const service = await startServiceProcess({
      DATA_DIR: dataDir,
      API_KEYS: `${ORG_A.organizationId}:${ORG_A.key}`,
      ...env,
    });
    cleanup(() => killIfRunning(service));
    return service;
  }

  it('sends to OTEL_EXPORTER_OTLP_ENDPOINT, as OTEL_SERVICE_NAME, and sends the last spans on SIGTERM', async () => {
    const service = await start({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'billing-portals-under-test',
    });
    expect(service.output()).toContain(`OpenTelemetry traces to ${receiver.endpoint}/v1/traces (OTLP http/json)`);
    const caller = callerSpan();
    const put = await fetch(`${service.url}/billing-portals/from-process`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'REB-APIKEY': ORG_A.key, traceparent: caller.traceparent },
      body: JSON.stringify(portalBody()),
    });
    expect(put.status).toBe(201);
    const graphql = await graphqlPost(service.url, UPSERT('from-process-gql', 'from-process-gql'), {
      traceparent: caller.traceparent,
    });
    expect(graphql.status).toBe(200);

    // The batch is sent every 5 s; the spans arrive now because SIGTERM flushes them before the exit.
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
    const spans = receiver.spans.filter((span) => span.traceId === caller.traceId);
    for (const [route, operation] of [
      ['PUT /billing-portals/:id', 'mutation RestUpsertBillingPortal'],
      ['POST /graphql', 'mutation UpsertTraced'],
    ]) {
      const server = only(spans, (span) => span.name === route);
      expect(server).toMatchObject({ kind: 'server', parentSpanId: caller.spanId });
      const operationSpan = only(spans, (span) => span.name === operation);
      expect(operationSpan.parentSpanId).toBe(server.spanId);
      expect(spans.some((span) => span.kind === 'client' && span.parentSpanId === operationSpan.spanId)).toBe(true);
    }
    expect(new Set(spans.map((span) => span.resource['service.name']))).toEqual(
      new Set(['billing-portals-under-test']),
    );
  });

  it('still exits 0 on SIGTERM when the collector refuses the last spans, and says so', async () => {
    const service = await start({
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.endpoint}/not-a-collector`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    });
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
    expect(receiver.requests.map((request) => request.path)).toContain('/not-a-collector');
    expect(service.output()).toContain('OpenTelemetry: the last spans were not sent');
  });

  it('sends nothing, and makes no spans, when tracing is off', async () => {
    const before = receiver.requests.length;
    const service = await start({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_SDK_DISABLED: 'true' });
    expect(service.output()).not.toContain('OpenTelemetry');
    const put = await fetch(`${service.url}/billing-portals/untraced`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'REB-APIKEY': ORG_A.key, traceparent: callerSpan().traceparent },
      body: JSON.stringify(portalBody()),
    });
    expect(put.status).toBe(201);
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
    expect(receiver.requests.slice(before)).toEqual([]);
  });
});
