/**
 * A whole service for one test file: its own database (the embedded server in memory, or the server
 * at MONGODB_URI), the real app listening on a free loopback port, and HTTP helpers.
 */
import { randomBytes } from 'node:crypto';
import type { Writable } from 'node:stream';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import type { Collection, Db } from 'mongodb';
import { buildApp, type AppSettings } from '../../src/app.ts';
import { ApiKeys, type KeyOwner } from '../../src/auth/credentials.ts';
import { openTestServer } from '@billing-portal/embedded-mongo/testing';
import { PortalService } from '../../src/portals/service.ts';
import { txtLookup, type DnsSettings } from '../../src/portals/dns-txt.ts';
import type { PortalDocument } from '../../src/portals/mongo/query.ts';
import { COLLECTION_NAME, PortalStore } from '../../src/portals/mongo/store.ts';
import { DEFAULT_CHANGE_FEED_OPTIONS, PortalChangeFeed } from '../../src/portals/mongo/change-feed.ts';
import { MongoWriteCounter } from '../../src/limits/write-counter.ts';
import { schema } from '../../src/graphql/schema/index.ts';
import { ServiceMetrics } from '../../src/observability/metrics.ts';
import { DatabaseCalls } from '../../src/portals/mongo/database-calls.ts';
import { PortalCache } from '../../src/portals/mongo/portal-cache.ts';
import type { Tracing } from '../../src/observability/tracing.ts';

/** Organization A's key is named (API_KEYS `admin-a@org-a:…`), B's is not: the history names it by fingerprint. */
export const ORG_A = { organizationId: 'org-a', key: 'key-a-0123456789', keyName: 'admin-a' } as const;
export const ORG_B = { organizationId: 'org-b', key: 'key-b-0123456789' } as const;

export interface RestResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  /** The body exactly as it arrived. */
  text: string;
}

export interface GraphQLResponse<T> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown>; path?: string[] }>;
}

export interface TestService {
  url: string;
  db: Db;
  portals: Collection<PortalDocument>;
  rest<T = any>(
    method: string,
    path: string,
    options?: { body?: unknown; rawBody?: string; key?: string | null; headers?: Record<string, string> },
  ): Promise<RestResponse<T>>;
  graphql<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables: TVariables,
    options?: { key?: string | null },
  ): Promise<GraphQLResponse<TResult>>;
  close(): Promise<void>;
}

export interface ServiceOptions {
  settings?: Partial<AppSettings>;
  metricsToken?: string;
  logStream?: Writable;
  dns?: DnsSettings;
  tracing?: Tracing;
  /** MAX_SUBSCRIPTIONS_PER_ORG (default 100). */
  maxSubscriptionsPerOrg?: number;
  /** A development key, as `npm start` makes without API_KEYS: organization `default`, shown in GraphiQL. */
  developmentKey?: string;
}

export async function startService(options: ServiceOptions = {}): Promise<TestService> {
  const { metricsToken, tracing } = options;
  const server = await openTestServer(`billing_test_${randomBytes(6).toString('hex')}`, {
    monitorCommands: !!tracing,
  });
  const { db } = server;
  const pageCache = new PortalCache();
  const metrics = metricsToken ? new ServiceMetrics() : undefined;
  tracing?.observeDatabase(server.client);
  metrics?.countersFrom({ pageCache: () => pageCache.counts });
  const calls = new DatabaseCalls(metrics?.databaseCall);
  const store = PortalStore.fromDb(db, pageCache, { calls });
  await store.ensureIndexes();
  const changes = new PortalChangeFeed(db.collection<PortalDocument>(COLLECTION_NAME), {
    ...DEFAULT_CHANGE_FEED_OPTIONS,
    maxPerOrganization: options.maxSubscriptionsPerOrg ?? DEFAULT_CHANGE_FEED_OPTIONS.maxPerOrganization,
  });
  const app = await buildApp({
    schema,
    portals: new PortalService(store, { lookupTxt: options.dns && txtLookup(options.dns) }),
    changes,
    apiKeys: new ApiKeys(
      new Map<string, KeyOwner>([
        [ORG_A.key, { organizationId: ORG_A.organizationId, name: ORG_A.keyName }],
        [ORG_B.key, { organizationId: ORG_B.organizationId }],
        ...(options.developmentKey
          ? [[options.developmentKey, { organizationId: 'default', name: 'development' }] as const]
          : []),
      ]),
    ),
    graphiqlApiKey: options.developmentKey,
    databaseReady: async () => (await db.command({ ping: 1 })).ok === 1,
    writeCounter: new MongoWriteCounter(db, calls),
    settings: options.settings,
    logger: options.logStream ? { level: 'info', stream: options.logStream } : false,
    metrics: metrics && { collector: metrics, token: metricsToken! },
    tracing,
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });

  return {
    url,
    db,
    portals: db.collection<PortalDocument>(COLLECTION_NAME),
    async rest(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      const key = options.key === undefined ? ORG_A.key : options.key;
      if (key !== null) headers['REB-APIKEY'] = key;
      let body: string | undefined = options.rawBody;
      if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${url}${path}`, { method, headers, body });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: the raw text is the body
      }
      return { status: response.status, headers: response.headers, body: parsed as any, text };
    },
    async graphql(document, variables, options = {}) {
      const key = options.key === undefined ? ORG_A.key : options.key;
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key === null ? {} : { 'REB-APIKEY': key }) },
        body: JSON.stringify({ query: print(document), variables }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
    async close() {
      await app.close();
      await server.close();
    },
  };
}

/** A valid portal body; `overrides` replace top-level fields. */
export function portalBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { websiteId: 'web-1', slug: `slug-${randomBytes(4).toString('hex')}`, name: 'Main portal', ...overrides };
}
