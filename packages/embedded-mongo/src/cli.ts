/**
 * `npm run db -- [--port 27017] [--host 127.0.0.1] [--dbpath ./data]`: runs the embedded server on
 * its own and prints its URI (for mongosh or Compass). Without --dbpath it is memory-only. The server
 * has no authentication, so a --host other than loopback gets a loud warning.
 */
import { BlockList, isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { startEmbeddedMongo } from './index.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '27017' },
    host: { type: 'string', default: '127.0.0.1' },
    dbpath: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log('usage: npm run db -- [--port 27017] [--host 127.0.0.1] [--dbpath <dir>]');
  process.exit(0);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be an integer between 0 and 65535, got ${values.port}`);
  process.exit(2);
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  const loopback = new BlockList();
  loopback.addSubnet('127.0.0.0', 8, 'ipv4');
  loopback.addAddress('::1', 'ipv6');
  const family = isIP(host);
  return family !== 0 && loopback.check(host, family === 4 ? 'ipv4' : 'ipv6');
}

if (!isLoopback(values.host)) {
  console.error(
    [
      '',
      `WARNING: --host ${values.host} is not a loopback address.`,
      'WARNING: the embedded server has NO authentication: anyone who can reach this address and port can',
      'WARNING: read, change and delete every database on it. Use --host 127.0.0.1 unless you mean that.',
      '',
    ].join('\n'),
  );
}

let server;
try {
  server = await startEmbeddedMongo({ port, host: values.host, dataDir: values.dbpath });
} catch (err) {
  console.error(`[embedded-mongo] cannot start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
console.log(server.uri);
console.error(
  `[embedded-mongo] listening on ${server.uri} (${values.dbpath ? `data in ${values.dbpath}` : 'memory only'})`,
);

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  console.error(`[embedded-mongo] ${signal}: shutting down`);
  server.close().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
