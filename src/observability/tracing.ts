/**
 * One trace per request, with spans made by hand: the HTTP request (http-spans.ts), the GraphQL operation
 * (graphql/server/operation-tracing.ts, rest/portal-operation.ts) and each MongoDB command (below).
 *
 * By hand rather than with OpenTelemetry's auto-instrumentation: that patches modules through require and
 * import hooks, which an ESM service run under Node's type stripping would have to preload, and it makes
 * spans for every Fastify hook and GraphQL resolver where one per layer is what an operator reads.
 *
 * Nothing here is global: the active span is kept in this instance's own AsyncLocalStorage (OpenTelemetry's
 * context manager, not registered with the API), and every span is started from an explicit parent context,
 * so that tests can run several services with their own tracer providers in one process.
 */
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  defaultTextMapGetter,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import type { CommandStartedEvent, MongoClient } from 'mongodb';
import { SERVICE_NAME, SERVICE_VERSION } from './tracer-provider.ts';

export class Tracing {
  private readonly tracer: Tracer;
  private readonly contexts = new AsyncLocalStorageContextManager();
  private readonly propagator = new W3CTraceContextPropagator();

  constructor(provider: TracerProvider) {
    this.tracer = provider.getTracer(SERVICE_NAME, SERVICE_VERSION);
  }

  /**
   * A request's server span, whose parent is the caller's span when it sent a valid W3C `traceparent`;
   * returned as the context its work runs in.
   */
  startRequest(name: string, headers: Record<string, unknown>, attributes: Attributes): Context {
    const parent = this.propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
    const span = this.tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
    return trace.setSpan(parent, span);
  }

  /** Ends a request's server span: with the response's status, or as aborted when there was none. */
  endRequest(context: Context, statusCode: number | undefined): void {
    const span = trace.getSpan(context);
    if (!span) return;
    if (statusCode === undefined) {
      this.markFailed(span, 'aborted');
    } else {
      span.setAttribute('http.response.status_code', statusCode);
      // A server span is an error only for a server error; a 4xx is the caller's.
      if (statusCode >= 500) this.markFailed(span, String(statusCode));
    }
    span.end();
  }

  /** Runs `fn` (and everything it starts asynchronously) with `context` active. */
  run<T>(context: Context, fn: () => T): T {
    return this.contexts.with(context, fn);
  }

  /** The span of the context `run` made active here, if any. */
  activeSpan(): Span | undefined {
    return trace.getSpan(this.contexts.active());
  }

  /** A span under the active one; none outside a request, so that background work makes no traces. */
  startChild(name: string, kind: SpanKind, attributes: Attributes): Span | undefined {
    const parent = this.contexts.active();
    if (!trace.getSpan(parent)) return undefined;
    return this.tracer.startSpan(name, { kind, attributes }, parent);
  }

  /** Runs `fn` in a span under the active one, which ends when `fn` settles (marked an error if it throws). */
  async inChildSpan<T>(name: string, attributes: Attributes, fn: (span?: Span) => Promise<T>): Promise<T> {
    const span = this.startChild(name, SpanKind.INTERNAL, attributes);
    if (!span) return fn();
    try {
      return await this.run(trace.setSpan(this.contexts.active(), span), () => fn(span));
    } catch (error) {
      this.markFailed(span, error instanceof Error ? error.name : 'unknown');
      throw error;
    } finally {
      span.end();
    }
  }

  /** Names a span for the GraphQL operation it runs, as the semantic conventions do (`mutation Name`). */
  nameOperation(span: Span, type: string, name: string | undefined): void {
    span.updateName(name ? `${type} ${name}` : type);
    span.setAttribute('graphql.operation.type', type);
    if (name) span.setAttribute('graphql.operation.name', name);
  }

  /** Marks a span as failed; never with a message, which could quote a value. */
  markFailed(span: Span, errorType?: string): void {
    if (errorType) span.setAttribute('error.type', errorType);
    span.setStatus({ code: SpanStatusCode.ERROR });
  }

  /**
   * A client span per command of a client created with `monitorCommands: true`, under the span that was
   * active when the driver sent it. Its name and attributes say which command on which collection; the
   * command's values (filters, documents) are never recorded.
   */
  observeDatabase(client: MongoClient): void {
    if (!client.options.monitorCommands) throw new Error('the MongoClient was created without monitorCommands');
    const open = new Map<number, Span>();
    client.on('commandStarted', (event) => {
      const collection = collectionOf(event);
      const span = this.startChild(
        collection ? `${event.commandName} ${collection}` : event.commandName,
        SpanKind.CLIENT,
        {
          'db.system': 'mongodb',
          'db.system.name': 'mongodb',
          'db.operation.name': event.commandName,
          'db.namespace': event.databaseName,
          ...(collection && { 'db.collection.name': collection }),
        },
      );
      if (span) open.set(event.requestId, span);
    });
    client.on('commandSucceeded', (event) => {
      open.get(event.requestId)?.end();
      open.delete(event.requestId);
    });
    client.on('commandFailed', (event) => {
      const span = open.get(event.requestId);
      if (!span) return;
      open.delete(event.requestId);
      const failure = event.failure as Error & { code?: unknown; codeName?: unknown };
      if (typeof failure.code === 'number') span.setAttribute('db.response.status_code', String(failure.code));
      // The type, not the message: a server's message can quote values (a duplicate key's, for one).
      this.markFailed(span, typeof failure.codeName === 'string' ? failure.codeName : failure.name);
      span.end();
    });
  }
}

/** The collection a command names (its first field's value, or getMore's `collection`). */
function collectionOf(event: CommandStartedEvent): string | undefined {
  const target = event.command[event.commandName];
  if (typeof target === 'string') return target;
  const { collection } = event.command as { collection?: unknown };
  return typeof collection === 'string' ? collection : undefined;
}
