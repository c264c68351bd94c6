/**
 * The standard OpenTelemetry variables for traces, validated with the rest of the configuration. Tracing is
 * on when an OTLP endpoint is set (and OTEL_SDK_DISABLED / OTEL_TRACES_EXPORTER=none do not turn it off).
 * The exporter reads its own remaining variables (OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT, _COMPRESSION, the
 * certificate files) and the resource reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, as the SDK does.
 */
import { z } from 'zod';

export const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

export type SamplerName = (typeof SAMPLERS)[number];

export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface TracingSettings {
  /** Where spans are POSTed: the full URL, ending in /v1/traces unless the traces endpoint says otherwise. */
  url: string;
  protocol: OtlpProtocol;
  sampler: SamplerName;
  /** The ratio of the traceidratio samplers, 0 to 1. */
  samplerRatio: number;
  /** The batch span processor's knobs (OTEL_BSP_*); unset: the SDK's defaults. */
  batch: {
    scheduledDelayMillis?: number;
    exportTimeoutMillis?: number;
    maxQueueSize?: number;
    maxExportBatchSize?: number;
  };
}

const endpoint = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });
const protocol = z.enum(['http/protobuf', 'http/json'], {
  error: (issue) =>
    issue.input === 'grpc'
      ? 'grpc is not supported by this service: use http/protobuf (the default) or http/json'
      : 'must be http/protobuf or http/json',
});
const count = z.coerce.number().int().min(0);

/** Merged into the configuration's environment schema (config.ts). */
export const TRACING_VARIABLES = {
  /** As the specification says: case-insensitive "true" disables, anything else does not. */
  OTEL_SDK_DISABLED: z
    .string()
    .transform((value) => value.toLowerCase() === 'true')
    .optional(),
  OTEL_TRACES_EXPORTER: z.enum(['otlp', 'none']).default('otlp'),
  OTEL_EXPORTER_OTLP_ENDPOINT: endpoint.optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: endpoint.optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: protocol.optional(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol.optional(),
  OTEL_TRACES_SAMPLER: z.enum(SAMPLERS).default('parentbased_always_on'),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).optional(),
  OTEL_BSP_SCHEDULE_DELAY: count.optional(),
  OTEL_BSP_EXPORT_TIMEOUT: count.optional(),
  OTEL_BSP_MAX_QUEUE_SIZE: count.min(1).optional(),
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: count.min(1).optional(),
};

type TracingEnvironment = z.output<z.ZodObject<typeof TRACING_VARIABLES>>;

/** OTEL_EXPORTER_OTLP_ENDPOINT is the collector's base URL; the traces endpoint is used as it is. */
function tracesUrl(e: TracingEnvironment): string | undefined {
  if (e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const base = e.OTEL_EXPORTER_OTLP_ENDPOINT;
  return base && `${base.replace(/\/+$/, '')}/v1/traces`;
}

/** The settings, or undefined when tracing is off. */
export function tracingSettings(e: TracingEnvironment): TracingSettings | undefined {
  const url = tracesUrl(e);
  if (!url || e.OTEL_SDK_DISABLED || e.OTEL_TRACES_EXPORTER === 'none') return undefined;
  return {
    url,
    protocol: e.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? e.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf',
    sampler: e.OTEL_TRACES_SAMPLER,
    samplerRatio: e.OTEL_TRACES_SAMPLER_ARG ?? 1,
    batch: {
      scheduledDelayMillis: e.OTEL_BSP_SCHEDULE_DELAY,
      exportTimeoutMillis: e.OTEL_BSP_EXPORT_TIMEOUT,
      maxQueueSize: e.OTEL_BSP_MAX_QUEUE_SIZE,
      maxExportBatchSize: e.OTEL_BSP_MAX_EXPORT_BATCH_SIZE,
    },
  };
}
