/**
 * The OpenTelemetry SDK for traces, put together from its parts rather than with sdk-node: that would bring
 * in the gRPC, metrics and logs exporters and the require/import hooks of auto-instrumentation, none of
 * which the service uses (its spans are made by hand, see tracing.ts). Spans are batched and sent over
 * OTLP/HTTP, as protobuf or JSON.
 */
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  defaultResource,
  detectResources,
  resourceAttributesEnvDetector,
  resourceFromAttributes,
  serviceNameEnvDetector,
} from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
} from '@opentelemetry/sdk-trace';
import packageJson from '../../package.json' with { type: 'json' };
import type { SamplerName, TracingSettings } from './tracing-settings.ts';

export const SERVICE_NAME = packageJson.name;
export const SERVICE_VERSION = packageJson.version;

function sampler(name: SamplerName, ratio: number): Sampler {
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}

/**
 * The service's name and version, under what OTEL_RESOURCE_ATTRIBUTES says, under OTEL_SERVICE_NAME
 * (each later one wins, as the specification orders them).
 */
function resource() {
  return defaultResource()
    .merge(resourceFromAttributes({ 'service.name': SERVICE_NAME, 'service.version': SERVICE_VERSION }))
    .merge(detectResources({ detectors: [resourceAttributesEnvDetector] }))
    .merge(detectResources({ detectors: [serviceNameEnvDetector] }));
}

export function createTracerProvider(settings: TracingSettings): TracerProvider {
  const Exporter = settings.protocol === 'http/json' ? OtlpJsonExporter : OtlpProtobufExporter;
  const exporter = new Exporter({ url: settings.url });
  return new TracerProvider({
    resource: resource(),
    sampler: sampler(settings.sampler, settings.samplerRatio),
    spanProcessors: [new BatchSpanProcessor({ exporter, ...settings.batch })],
  });
}

/**
 * Errors the SDK reports (a batch the collector did not take, an unreachable endpoint) go to `log`; without
 * this they would vanish. OpenTelemetry has one diagnostic logger per process, so the process entry sets it.
 */
export function reportTracingErrors(log: (message: string) => void): void {
  const ignore = () => {};
  diag.setLogger(
    {
      error: (message) => log(`OpenTelemetry: ${message}`),
      warn: ignore,
      info: ignore,
      debug: ignore,
      verbose: ignore,
    },
    { logLevel: DiagLogLevel.ERROR, suppressOverrideMessage: true },
  );
}

/** The URL without what could be a secret (credentials, a query), for the start-up line. */
export function describeEndpoint(url: string): string {
  const { protocol, host, pathname } = new URL(url);
  return `${protocol}//${host}${pathname}`;
}
