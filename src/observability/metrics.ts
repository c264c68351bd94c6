/**
 * The service's Prometheus metrics, in a registry of its own (no process-wide default registry, so that
 * tests can build several apps in one process). Everything that can grow without bound is kept out of
 * the labels: routes are Fastify's templates, never raw URLs, and GraphQL operation names are capped.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CallObserver } from '../portals/mongo/database-calls.ts';

/** Seconds: from a cached read (about a millisecond) to a request that waited out the database timeout. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Operation names a caller chooses; past this many distinct ones, further names are counted as "other". */
const MAX_OPERATION_NAMES = 200;

/** What the page cache reports (portals/mongo/portal-cache.ts). */
export interface CacheCounts {
  hits: number;
  misses: number;
}

export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly graphqlOperations: Counter<'operation_name' | 'operation_type'>;
  private readonly graphqlErrors: Counter<'code'>;
  private readonly dbCommands: Counter<'command' | 'outcome'>;
  private readonly dbDuration: Histogram<'command'>;
  private readonly operationNames = new Set<string>();

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.httpRequests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, route template and status.',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from receiving an HTTP request to answering it, by method, route template and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.graphqlOperations = new Counter({
      name: 'graphql_operations_total',
      help: 'GraphQL operations executed, by operation name and type.',
      labelNames: ['operation_name', 'operation_type'],
      registers,
    });
    this.graphqlErrors = new Counter({
      name: 'graphql_errors_total',
      help: 'Errors in GraphQL responses, by extensions.code.',
      labelNames: ['code'],
      registers,
    });
    this.dbCommands = new Counter({
      name: 'mongodb_commands_total',
      help: 'MongoDB commands the service sent, by command name and outcome (succeeded or failed).',
      labelNames: ['command', 'outcome'],
      registers,
    });
    this.dbDuration = new Histogram({
      name: 'mongodb_command_duration_seconds',
      help: "MongoDB commands from the call to the answer (a pooled connection's wait included), by command name.",
      labelNames: ['command'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
  }

  httpRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, seconds);
  }

  graphqlOperation(name: string | undefined, type: string): void {
    this.graphqlOperations.inc({ operation_name: this.boundedName(name), operation_type: type });
  }

  graphqlError(code: string | undefined): void {
    this.graphqlErrors.inc({ code: code ?? 'UNSPECIFIED' });
  }

  /** Counts and times one database call of the service (portals/mongo/database-calls.ts). */
  readonly databaseCall: CallObserver = (command, seconds, outcome) => {
    this.dbCommands.inc({ command, outcome });
    this.dbDuration.observe({ command }, seconds);
  };

  /** Counters kept by their owners, read at each scrape. */
  countersFrom(source: {
    pageCache?: () => CacheCounts;
    writeBudgetRefusals?: () => number;
    openSubscriptions?: () => number;
    preparedQueries?: () => { answered: number; handedBack: number };
  }): void {
    const { pageCache, writeBudgetRefusals, openSubscriptions, preparedQueries } = source;
    if (preparedQueries) {
      new Counter({
        name: 'graphql_prepared_queries_total',
        help:
          'Requests for queries answered before: answered without Yoga (result answered), or handed back to ' +
          'Yoga because the run had an error or graphql-js refused the variables (result handed_back).',
        labelNames: ['result'],
        registers: [this.registry],
        collect() {
          const counts = preparedQueries();
          this.reset();
          this.inc({ result: 'answered' }, counts.answered);
          this.inc({ result: 'handed_back' }, counts.handedBack);
        },
      });
    }
    if (pageCache) {
      new Counter({
        name: 'portal_page_cache_lookups_total',
        help: 'List-page portals looked up in the page cache, by result (hit: served from memory).',
        labelNames: ['result'],
        registers: [this.registry],
        collect() {
          const counts = pageCache();
          this.reset();
          this.inc({ result: 'hit' }, counts.hits);
          this.inc({ result: 'miss' }, counts.misses);
        },
      });
    }
    if (writeBudgetRefusals) {
      new Counter({
        name: 'write_budget_refusals_total',
        help: 'Writes refused because the organization had spent its RATE_LIMIT for the minute (429).',
        registers: [this.registry],
        collect() {
          this.reset();
          this.inc(writeBudgetRefusals());
        },
      });
    }
    if (openSubscriptions) {
      new Gauge({
        name: 'graphql_subscriptions_open',
        help: 'GraphQL subscriptions (SSE streams) open on this instance.',
        registers: [this.registry],
        collect() {
          this.set(openSubscriptions());
        },
      });
    }
  }

  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private boundedName(name: string | undefined): string {
    if (!name) return '(anonymous)';
    if (this.operationNames.has(name)) return name;
    if (this.operationNames.size >= MAX_OPERATION_NAMES) return '(other)';
    this.operationNames.add(name);
    return name;
  }
}
