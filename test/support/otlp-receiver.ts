/**
 * An OTLP/HTTP trace receiver on loopback, in the test process: it takes `POST /v1/traces` in the JSON
 * encoding (as a collector does) and keeps every span it was sent, flattened with its resource.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

type AttributeValue = string | number | boolean;

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** '' for a trace's root span. */
  parentSpanId: string;
  name: string;
  kind: 'internal' | 'server' | 'client' | 'producer' | 'consumer' | 'unspecified';
  attributes: Record<string, AttributeValue>;
  /** 0 unset, 1 ok, 2 error. */
  statusCode: number;
  resource: Record<string, AttributeValue>;
  scope: string;
}

export interface OtlpReceiver {
  /** The collector's base URL, as OTEL_EXPORTER_OTLP_ENDPOINT takes it. */
  endpoint: string;
  spans: ReceivedSpan[];
  /** Every request it was sent, whatever its path and type. */
  requests: Array<{ method: string; path: string; contentType: string | undefined }>;
  /** Resolves once `done` holds for the spans received so far (checked again on each export). */
  waitUntil(done: (spans: ReceivedSpan[]) => boolean): Promise<void>;
  /** Resolves with the spans of `traceId` once `done` holds for them. */
  waitFor(traceId: string, done: (spans: ReceivedSpan[]) => boolean): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

const KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;

interface JsonKeyValue {
  key: string;
  value: { stringValue?: string; intValue?: number | string; boolValue?: boolean; doubleValue?: number };
}

function flatten(attributes: JsonKeyValue[] = []): Record<string, AttributeValue> {
  return Object.fromEntries(
    attributes.map(({ key, value }) => {
      const { stringValue, intValue, boolValue, doubleValue } = value;
      return [key, stringValue ?? (intValue !== undefined ? Number(intValue) : (boolValue ?? doubleValue ?? NaN))];
    }),
  );
}

interface ExportTraceServiceRequest {
  resourceSpans: Array<{
    resource?: { attributes?: JsonKeyValue[] };
    scopeSpans: Array<{
      scope?: { name: string };
      spans: Array<{
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        attributes?: JsonKeyValue[];
        status?: { code?: number };
      }>;
    }>;
  }>;
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const requests: OtlpReceiver['requests'] = [];
  const waiters = new Set<() => void>();
  const server = createServer(async (request, response) => {
    const body = await bodyOf(request);
    const contentType = request.headers['content-type'];
    requests.push({ method: request.method ?? '', path: request.url ?? '', contentType });
    if (request.method !== 'POST' || request.url !== '/v1/traces' || contentType !== 'application/json') {
      response.writeHead(415).end();
      return;
    }
    const payload = JSON.parse(body) as ExportTraceServiceRequest;
    for (const { resource, scopeSpans } of payload.resourceSpans) {
      for (const { scope, spans: received } of scopeSpans) {
        for (const span of received) {
          spans.push({
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId ?? '',
            name: span.name,
            kind: KINDS[span.kind] ?? 'unspecified',
            attributes: flatten(span.attributes),
            statusCode: span.status?.code ?? 0,
            resource: flatten(resource?.attributes),
            scope: scope?.name ?? '',
          });
        }
      }
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    for (const wake of waiters) wake();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  function waitUntil(done: (spans: ReceivedSpan[]) => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (!done(spans)) return;
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
      check();
    });
  }

  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    requests,
    waitUntil,
    waitFor: (traceId, done) =>
      waitUntil((all) => done(all.filter((span) => span.traceId === traceId))).then(() =>
        spans.filter((span) => span.traceId === traceId),
      ),
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
