/**
 * GET /metrics: refused without METRICS_TOKEN's bearer token, absent when no token is configured, and,
 * parsed by a Prometheus text-format parser, counters that move with the requests this test sends —
 * HTTP by route template (never a raw id), GraphQL operations and errors, database commands, write-budget
 * refusals, the page cache, and Node's own process metrics.
 */
import parsePrometheusTextFormat, { type MetricFamily } from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portalBody, startService, type TestService } from './support/service.ts';

const TOKEN = 'metrics-token-0123456789';
const WRITES_PER_MINUTE = 7;

let service: TestService;
let withoutMetrics: TestService;
beforeAll(async () => {
  [service, withoutMetrics] = await Promise.all([
    startService({ metricsToken: TOKEN, settings: { writesPerMinute: WRITES_PER_MINUTE } }),
    startService(),
  ]);
});
afterAll(() => Promise.all([service?.close(), withoutMetrics?.close()]));

interface Scrape {
  text: string;
  families: MetricFamily[];
}

async function scrape(): Promise<Scrape> {
  const response = await fetch(`${service.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  // The parser throws on any line that is not valid exposition format.
  return { text, families: parsePrometheusTextFormat(text) };
}

/** The value of the counter or gauge sample of `name` whose labels include `labels` (0 when none yet). */
function valueOf({ families }: Scrape, name: string, labels: Record<string, string> = {}): number {
  const family = families.find((f) => f.name === name);
  expect(family?.type, name).toMatch(/^(COUNTER|GAUGE)$/);
  const sample = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return sample ? Number(sample.value) : 0;
}

/**
 * A histogram's observation count for exactly these labels. (The parser keeps a histogram's buckets but
 * not its labelled _count lines, so that one line is read from the text.)
 */
function histogramCount({ text, families }: Scrape, name: string, labels: Record<string, string>): number {
  expect(families.find((f) => f.name === name)?.type, name).toBe('HISTOGRAM');
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}_count{`) && wanted.every((pair) => l.includes(pair)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

function graphql(query: string, operationName?: string) {
  return fetch(`${service.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'REB-APIKEY': 'key-a-0123456789' },
    body: JSON.stringify({ query, operationName }),
  });
}

describe('GET /metrics', () => {
  it('does not exist without METRICS_TOKEN', async () => {
    const response = await fetch(`${withoutMetrics.url}/metrics`);
    expect(response.status).toBe(404);
  });

  it('refuses a scrape without the bearer token, or with another one', async () => {
    for (const authorization of [undefined, `Bearer ${TOKEN}x`, `Basic ${TOKEN}`, 'Bearer', TOKEN]) {
      const response = await fetch(`${service.url}/metrics`, { headers: authorization ? { authorization } : {} });
      expect(response.status, String(authorization)).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await response.text()).not.toContain('http_requests_total');
    }
  });

  it('counts what it served: routes by template, GraphQL, the database, refusals, the cache, the process', async () => {
    const before = await scrape();

    const ids = ['metrics-a', 'metrics-b', 'metrics-c'];
    for (const id of ids)
      expect((await service.rest('PUT', `/billing-portals/${id}`, { body: portalBody() })).status).toBe(201);
    expect((await service.rest('GET', `/billing-portals/${ids[0]}`)).status).toBe(200);
    expect((await service.rest('GET', '/billing-portals/no-such-portal')).status).toBe(404);
    expect((await service.rest('GET', '/no-such-route')).status).toBe(404);
    // Two list pages: the second finds the portals the first read in the page cache.
    for (let i = 0; i < 2; i++) expect((await service.rest('GET', '/billing-portals?limit=3')).status).toBe(200);
    // Writes 4 and 5 (a refused write spends too): a slug another portal of the website has, which the
    // database refuses (unique index): 422.
    const taken = { ...portalBody(), slug: 'metrics-taken' };
    expect((await service.rest('PUT', '/billing-portals/metrics-a', { body: taken })).status).toBe(200);
    expect((await service.rest('PUT', '/billing-portals/metrics-g', { body: taken })).status).toBe(422);
    // Writes 6 and 7 of the budget of 7, then one refused.
    for (const id of ['metrics-d', 'metrics-e']) {
      expect((await service.rest('PUT', `/billing-portals/${id}`, { body: portalBody() })).status).toBe(201);
    }
    expect((await service.rest('PUT', '/billing-portals/metrics-f', { body: portalBody() })).status).toBe(429);
    for (let i = 0; i < 2; i++) {
      expect((await graphql('query PortalName { billingPortal(id: "metrics-a") { name } }')).status).toBe(200);
    }
    const invalid = await (await graphql('{ billingPortal(id: "metrics-a") { noSuchField } }')).json();
    expect(invalid.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');

    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) =>
      valueOf(after, name, labels) - valueOf(before, name, labels);
    const observed = (name: string, labels: Record<string, string>) =>
      histogramCount(after, name, labels) - histogramCount(before, name, labels);

    const put = { method: 'PUT', route: '/billing-portals/:id' };
    expect(delta('http_requests_total', { ...put, status: '201' })).toBe(5);
    expect(delta('http_requests_total', { ...put, status: '429' })).toBe(1);
    expect(observed('http_request_duration_seconds', { ...put, status: '201' })).toBe(5);
    expect(delta('http_requests_total', { method: 'GET', route: '/billing-portals/:id', status: '404' })).toBe(1);
    expect(delta('http_requests_total', { method: 'GET', route: '/billing-portals', status: '200' })).toBe(2);
    expect(delta('http_requests_total', { method: 'GET', route: '(unmatched)', status: '404' })).toBe(1);
    // No id or raw URL became a label value.
    const labelValues = after.families.flatMap((f) => f.metrics.flatMap((m) => Object.values(m.labels ?? {})));
    expect(labelValues.filter((v) => /metrics-[a-f]|no-such/.test(v))).toEqual([]);

    expect(delta('graphql_operations_total', { operation_name: 'PortalName', operation_type: 'query' })).toBe(2);
    expect(delta('graphql_errors_total', { code: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);

    expect(delta('mongodb_commands_total', { command: 'findAndModify', outcome: 'succeeded' })).toBeGreaterThanOrEqual(
      5,
    );
    expect(delta('mongodb_commands_total', { command: 'findAndModify', outcome: 'failed' })).toBeGreaterThanOrEqual(1);
    expect(delta('mongodb_commands_total', { command: 'find', outcome: 'succeeded' })).toBeGreaterThan(0);
    expect(observed('mongodb_command_duration_seconds', { command: 'find' })).toBeGreaterThan(0);

    expect(delta('write_budget_refusals_total')).toBe(1);
    expect(delta('portal_page_cache_lookups_total', { result: 'hit' })).toBeGreaterThanOrEqual(3);

    for (const name of ['nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes', 'process_cpu_seconds_total']) {
      expect(valueOf(after, name), name).toBeGreaterThan(0);
    }
    expect(after.families.find((f) => f.name === 'nodejs_gc_duration_seconds')?.type).toBe('HISTOGRAM');
  });
});
