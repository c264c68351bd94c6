/** Process entry: config → database → app → listen; SIGTERM/SIGINT drain and close. */
import { ApiKeys, developmentKey, DEVELOPMENT_KEY_NAME, DEVELOPMENT_ORGANIZATION } from './auth/credentials.ts';
import { buildApp, settingsFromConfig } from './app.ts';
import { loadConfig } from './config.ts';
import { startupFailureLine } from './startup-failure.ts';
import { openDatabase } from './database.ts';
import { PortalService } from './portals/service.ts';
import { DEFAULT_DNS_SETTINGS, txtLookup } from './portals/dns-txt.ts';
import { COLLECTION_NAME, PortalStore } from './portals/mongo/store.ts';
import { DEFAULT_CHANGE_FEED_OPTIONS, PortalChangeFeed } from './portals/mongo/change-feed.ts';
import { schema } from './graphql/schema/index.ts';
import { GRAPHQL_PATH } from './graphql/server/yoga.ts';
import { MongoWriteCounter } from './limits/write-counter.ts';
import { ServiceMetrics } from './observability/metrics.ts';
import { PortalCache } from './portals/mongo/portal-cache.ts';
import { DatabaseCalls } from './portals/mongo/database-calls.ts';
import type { TracingSettings } from './observability/tracing-settings.ts';

/** Loaded only when tracing is on, so that a service without it does not load the SDK at all. */
async function startTracing(settings: TracingSettings) {
  const [sdk, { Tracing }] = await Promise.all([
    import('./observability/tracer-provider.ts'),
    import('./observability/tracing.ts'),
  ]);
  const provider = sdk.createTracerProvider(settings);
  const description = `OpenTelemetry traces to ${sdk.describeEndpoint(settings.url)} (OTLP ${settings.protocol})`;
  return { provider, tracing: new Tracing(provider), description, reportErrors: sdk.reportTracingErrors };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const metrics = config.metricsToken ? new ServiceMetrics() : undefined;
  const traces = config.tracing && (await startTracing(config.tracing));
  // Tracing needs the driver's command monitoring (a span per command); the metrics time the store's calls.
  const database = await openDatabase(config, { monitorCommands: !!traces });
  // Until the service listens, a lost database fails the start-up like any other cause.
  let onDatabaseLost = (error: Error): void => {
    console.error(startupFailureLine(error));
    process.exit(1);
  };
  void database.lost.then((error) => onDatabaseLost(error));
  const pageCache = new PortalCache();
  traces?.tracing.observeDatabase(database.client);
  metrics?.countersFrom({ pageCache: () => pageCache.counts });
  const calls = new DatabaseCalls(metrics?.databaseCall);
  const store = PortalStore.fromDb(database.db, pageCache, {
    historyRetentionDays: config.historyRetentionDays,
    calls,
  });
  await store.ensureIndexes();
  const writeCounter = new MongoWriteCounter(database.db, calls);
  await writeCounter.ensureIndexes();

  const devKey = config.apiKeys ? undefined : await developmentKey(config.dataDir);
  const apiKeys = new ApiKeys(
    config.apiKeys ?? new Map([[devKey!, { organizationId: DEVELOPMENT_ORGANIZATION, name: DEVELOPMENT_KEY_NAME }]]),
  );

  const changes = new PortalChangeFeed(database.db.collection(COLLECTION_NAME), {
    ...DEFAULT_CHANGE_FEED_OPTIONS,
    maxPerOrganization: config.maxSubscriptionsPerOrg,
  });

  const app = await buildApp({
    schema,
    changes,
    portals: new PortalService(store, {
      lookupTxt: txtLookup({ ...DEFAULT_DNS_SETTINGS, servers: config.dnsServers, timeoutMs: config.dnsTimeoutMs }),
    }),
    apiKeys,
    databaseReady: database.ping,
    writeCounter,
    graphiqlApiKey: devKey,
    logger: {
      level: config.logLevel,
      ...(config.prettyLogs
        ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss' } } }
        : {}),
    },
    settings: settingsFromConfig(config),
    metrics: metrics && { collector: metrics, token: config.metricsToken! },
    tracing: traces?.tracing,
  });
  const address = await app.listen({ port: config.port, host: config.host });
  if (devKey) {
    // A sentence for the person who just ran npm start, not a log record (only ever in development: production
    // requires API_KEYS), on stdout before the "listening" record so that it is seen with it.
    process.stdout.write(
      `\nAPI_KEYS is unset, so this service made a development key for organization "${DEVELOPMENT_ORGANIZATION}": ` +
        `${devKey}\nSend it as the REB-APIKEY header; GraphiQL at ${address}${GRAPHQL_PATH} has it pre-filled.\n`,
    );
  }
  // History entries left in outboxes by writes or deletes cut short (a crash) are copied in the background.
  store
    .sweepHistory()
    .catch((error: unknown) => app.log.warn({ err: error }, 'history sweep at start-up did not finish'));
  app.log.info(
    `billing-portal service on ${address}; database: ${database.description}; GraphiQL at ${address}${GRAPHQL_PATH}`,
  );
  if (traces) {
    traces.reportErrors((message) => app.log.warn(message));
    app.log.info(traces.description);
  }

  let stopping = false;
  // Raised by a failure while stopping too: a database lost during a SIGTERM's drain still exits 1.
  let exitCode = 0;
  const stop = async (reason: string, code: number) => {
    exitCode = Math.max(exitCode, code);
    if (stopping) return;
    stopping = true;
    app.log.info(`${reason}: finishing in-flight requests`);
    try {
      await app.close();
      // The spans of the last requests are sent before the process ends (an unreachable collector is given
      // OTEL_EXPORTER_OTLP_TIMEOUT), and their loss is no reason to fail the shutdown.
      await traces?.provider
        .shutdown()
        .catch((error: unknown) => app.log.warn({ err: error }, 'OpenTelemetry: the last spans were not sent'));
      await database.close();
      process.exit(exitCode);
    } catch (error) {
      app.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM received', 0));
  process.on('SIGINT', () => void stop('SIGINT received', 0));
  // Without its database the service cannot answer anything useful: it says why and exits non-zero, so that
  // whatever runs it notices and restarts it, rather than staying up unready.
  onDatabaseLost = (error) => {
    app.log.fatal({ err: error }, 'the embedded database stopped unexpectedly; the service stops');
    void stop('embedded database lost', 1);
  };
}

main().catch((error: unknown) => {
  console.error(startupFailureLine(error));
  // The configuration may be what failed, so LOG_LEVEL is read as it is.
  if (process.env.LOG_LEVEL?.trim() === 'debug' || process.env.LOG_LEVEL?.trim() === 'trace') console.error(error);
  process.exit(1);
});
