/** Environment → one typed, validated configuration object. A bad value stops start-up with its name. */
import { isLoopbackAddress } from './http/loopback.ts';
import { isIP } from 'node:net';
import { z } from 'zod';
import { TRACING_VARIABLES, tracingSettings, type TracingSettings } from './observability/tracing-settings.ts';
import type { KeyOwner } from './auth/credentials.ts';

const port = z.coerce.number().int().min(0).max(65535);
const positiveMs = z.coerce.number().int().min(1).max(600_000);
const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** A key's optional name: what the change history records as who wrote. */
const KEY_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const API_KEYS_FORMAT =
  'expected comma-separated [name@]organizationId:key entries, each key at least 8 characters without spaces, ' +
  'each name 1–64 of letters, digits and . _ -';

/** One `API_KEYS` entry: `organizationId:key`, or `name@organizationId:key`; undefined when malformed. */
function parseKeyEntry(entry: string): { key: string; owner: KeyOwner } | undefined {
  const separator = entry.indexOf(':');
  if (separator <= 0) return undefined;
  const owner = entry.slice(0, separator).trim();
  const key = entry.slice(separator + 1).trim();
  const at = owner.indexOf('@');
  const name = at < 0 ? undefined : owner.slice(0, at);
  const organizationId = owner.slice(at + 1);
  if (!organizationId || key.length < 8 || /\s/.test(key)) return undefined;
  if (name !== undefined && !KEY_NAME.test(name)) return undefined;
  return { key, owner: name === undefined ? { organizationId } : { organizationId, name } };
}

const apiKeys = z.string().transform((value, ctx) => {
  const keys = new Map<string, KeyOwner>();
  const names = new Set<string>();
  const fail = (message: string) => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  for (const entry of value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const parsed = parseKeyEntry(entry);
    if (!parsed) return fail(API_KEYS_FORMAT);
    if (keys.has(parsed.key)) return fail('the same key is listed twice');
    const { organizationId, name } = parsed.owner;
    if (name !== undefined) {
      if (names.has(`${organizationId}\n${name}`))
        return fail(`organization ${organizationId} has two keys named ${name}`);
      names.add(`${organizationId}\n${name}`);
    }
    keys.set(parsed.key, parsed.owner);
  }
  if (keys.size === 0) return fail('lists no organizationId:key pair');
  return keys;
});

/** Web origins allowed to call the API from a browser: `*` alone, or exact `scheme://host[:port]` origins. */
const corsOrigins = z.string().transform((value, ctx): '*' | string[] => {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 1 && entries[0] === '*') return '*';
  const invalid = entries.filter((entry) => {
    try {
      const url = new URL(entry);
      return (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== entry;
    } catch {
      return true;
    }
  });
  if (entries.length === 0 || invalid.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message:
        'expected * alone, or comma-separated origins written as a browser sends them (https://app.example.com, ' +
        `lower case, no path or trailing slash, no default port); not one: ${invalid.join(', ') || value}`,
    });
    return z.NEVER;
  }
  return [...new Set(entries)];
});

/** proxy-addr's names for address ranges, which Fastify's `trustProxy` accepts besides addresses and CIDRs. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * The proxies whose X-Forwarded-Proto/-Host are believed. Only named ones: `true` (every hop) would let any
 * client choose the scheme and host of our links, and a hop count cannot tell a proxy from a client (Fastify
 * then ignores the forwarded scheme and host).
 */
const trustedProxies = z.string().transform((value, ctx) => {
  if (/^(false|0)$/.test(value)) return [];
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const invalid = entries.filter((entry) => !isProxyAddress(entry));
  if (entries.length === 0 || invalid.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message:
        `expected comma-separated proxy addresses or CIDRs (or loopback, linklocal, uniquelocal), or false` +
        (invalid.length ? `; not one: ${invalid.join(', ')}` : ''),
    });
    return z.NEVER;
  }
  return entries;
});

/** The flag spellings GRAPHQL_INTROSPECTION had before it named who may introspect. */
const INTROSPECTION_ALIASES: Record<string, IntrospectionAccess> = {
  true: 'authenticated',
  1: 'authenticated',
  false: 'off',
  0: 'off',
};

/** One DNS server as node:dns takes it: `ip`, `ipv4:port` or `[ipv6]:port`. */
function isDnsServer(entry: string): boolean {
  const withPort = /^(?:\[(?<v6>[^\]]+)\]|(?<v4>[\d.]+)):(?<port>\d{1,5})$/.exec(entry);
  if (!withPort) return isIP(entry) !== 0;
  const { v6, v4, port } = withPort.groups!;
  const portNumber = Number(port);
  const ipOk = v6 === undefined ? isIP(v4!) === 4 : isIP(v6) === 6;
  return ipOk && portNumber >= 1 && portNumber <= 65535;
}

const dnsServers = z.string().transform((value, ctx) => {
  const servers = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = servers.find((server) => !isDnsServer(server));
  if (bad !== undefined || servers.length === 0) {
    ctx.addIssue({
      code: 'custom',
      message: `expected comma-separated IP addresses, each optionally with a port (1.1.1.1:53, [::1]:53)${
        bad === undefined ? '' : `; "${bad}" is not one`
      }`,
    });
    return z.NEVER;
  }
  return servers;
});

const environmentSchema = z.object({
  PORT: port.default(4000),
  HOST: z.string().min(1).default('127.0.0.1'),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  MONGODB_DB: z
    .string()
    .regex(/^[^/\\. "$*<>:|?]{1,63}$/, 'must be a valid MongoDB database name')
    .default('billing'),
  DATA_DIR: z.string().min(1).default('./data'),
  /** Where the embedded server runs: its own worker thread, or the HTTP event loop (to compare the two). */
  EMBEDDED_DB_THREAD: z.enum(['worker', 'main']).default('worker'),
  API_KEYS: apiKeys.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** auto: readable lines when stdout is a terminal outside production, JSON lines otherwise. */
  LOG_FORMAT: z.enum(['auto', 'pretty', 'json']).default('auto'),
  /** How long a request waits for the database before it is answered 503. */
  DB_TIMEOUT_MS: positiveMs.default(3000),
  /** Writes per organization per minute, both doors together; 0 turns the limit off. */
  RATE_LIMIT: z.coerce.number().int().min(0).max(1_000_000).default(1000),
  GRAPHIQL: flag.optional(),
  /** Who may read the schema: anyone, callers with a valid key (true), or nobody (false). */
  GRAPHQL_INTROSPECTION: z
    .enum(['public', 'authenticated', 'off', 'true', 'false', '1', '0'])
    .transform((v): IntrospectionAccess => INTROSPECTION_ALIASES[v] ?? (v as IntrospectionAccess))
    .default('authenticated'),
  /** A client must send its whole request within this; a stalled one is cut off. */
  REQUEST_TIMEOUT_MS: positiveMs.default(30_000),
  /** A client must send its request headers within this. */
  HEADERS_TIMEOUT_MS: positiveMs.default(10_000),
  /** Behind a reverse proxy: these proxies' X-Forwarded-Proto/-Host give the client's protocol and host. */
  TRUST_PROXY: trustedProxies.default([]),
  /** Browser origins that may call either door; unset: no cross-origin access (no CORS headers). */
  CORS_ORIGINS: corsOrigins.default([]),
  /** A scraper's bearer token for GET /metrics; unset: no metrics are collected or served. */
  METRICS_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{16,256}$/, 'must be 16 to 256 printable characters without spaces')
    .optional(),
  /** The DNS servers custom-domain verification asks; unset: the system's. */
  DNS_SERVERS: dnsServers.optional(),
  /** How long one DNS attempt waits for an answer (two attempts per verification). */
  DNS_TIMEOUT_MS: z.coerce.number().int().min(1).max(60_000).default(5000),
  ...TRACING_VARIABLES,
  /** Open GraphQL subscriptions (SSE streams) per organization on one instance. */
  MAX_SUBSCRIPTIONS_PER_ORG: z.coerce.number().int().min(1).max(100_000).default(100),
  /** How long change-history entries are kept (a TTL index removes older ones). */
  HISTORY_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(365),
});

/** Who may run introspection (`__schema`, `__type`). */
export type IntrospectionAccess = 'public' | 'authenticated' | 'off';

export interface Config {
  port: number;
  host: string;
  mongodbUri: string | undefined;
  mongodbDb: string;
  dataDir: string;
  embeddedDbThread: 'worker' | 'main';
  /** key → its organization and optional name; undefined means "make a development key" (refused in production). */
  apiKeys: Map<string, KeyOwner> | undefined;
  logLevel: string;
  /** Log lines for people (pino-pretty) rather than JSON for a log pipeline. */
  prettyLogs: boolean;
  nodeEnv: 'development' | 'production' | 'test';
  dbTimeoutMs: number;
  writesPerMinute: number;
  graphiql: boolean;
  introspection: IntrospectionAccess;
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  /** `*` or exact origins allowed cross-origin access; empty: none. */
  corsOrigins: '*' | string[];
  /** Addresses, CIDRs or range names of the proxies to trust; empty: none. */
  trustProxy: string[];
  metricsToken: string | undefined;
  /** Custom-domain verification's DNS servers (empty: the system's) and per-attempt timeout. */
  dnsServers: string[];
  dnsTimeoutMs: number;
  /** OpenTelemetry traces: on when an OTLP endpoint is set (tracing-settings.ts). */
  tracing: TracingSettings | undefined;
  maxSubscriptionsPerOrg: number;
  historyRetentionDays: number;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, stdoutIsTerminal = !!process.stdout.isTTY): Config {
  // An empty (or blank) variable means "not set", as in most shells' `VAR= command`.
  const present = Object.fromEntries(
    Object.entries(env).flatMap(([name, value]) => (value?.trim() ? [[name, value.trim()]] : [])),
  );
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}.`);
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && !e.API_KEYS) {
    throw new ConfigError('Invalid configuration: API_KEYS: is required when NODE_ENV=production.');
  }
  // The development key is pre-filled in GraphiQL for anyone who opens it: only on this machine.
  if (!e.API_KEYS && !isLoopbackAddress(e.HOST)) {
    throw new ConfigError(
      `Invalid configuration: API_KEYS: is required when HOST (${e.HOST}) is not a loopback address.`,
    );
  }
  if (e.HEADERS_TIMEOUT_MS > e.REQUEST_TIMEOUT_MS) {
    throw new ConfigError('Invalid configuration: HEADERS_TIMEOUT_MS: must not exceed REQUEST_TIMEOUT_MS.');
  }
  return {
    port: e.PORT,
    host: e.HOST,
    mongodbUri: e.MONGODB_URI,
    mongodbDb: e.MONGODB_DB,
    dataDir: e.DATA_DIR,
    embeddedDbThread: e.EMBEDDED_DB_THREAD,
    apiKeys: e.API_KEYS,
    logLevel: e.LOG_LEVEL,
    prettyLogs:
      e.LOG_FORMAT === 'pretty' || (e.LOG_FORMAT === 'auto' && e.NODE_ENV !== 'production' && stdoutIsTerminal),
    nodeEnv: e.NODE_ENV,
    dbTimeoutMs: e.DB_TIMEOUT_MS,
    writesPerMinute: e.RATE_LIMIT,
    // A production deployment serves GraphiQL only when asked to.
    graphiql: e.GRAPHIQL ?? e.NODE_ENV !== 'production',
    introspection: e.GRAPHQL_INTROSPECTION,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    headersTimeoutMs: e.HEADERS_TIMEOUT_MS,
    trustProxy: e.TRUST_PROXY,
    corsOrigins: e.CORS_ORIGINS,
    metricsToken: e.METRICS_TOKEN,
    dnsServers: e.DNS_SERVERS ?? [],
    dnsTimeoutMs: e.DNS_TIMEOUT_MS,
    tracing: tracingSettings(e),
    maxSubscriptionsPerOrg: e.MAX_SUBSCRIPTIONS_PER_ORG,
    historyRetentionDays: e.HISTORY_RETENTION_DAYS,
  };
}
