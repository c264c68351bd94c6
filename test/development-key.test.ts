/**
 * The development key (API_KEYS unset) is pre-filled in GraphiQL only for a browser on this machine talking
 * to this machine; no other response ever carries it.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from './support/service.ts';

const DEV_KEY = 'dev_0123456789abcdefghijklmnopqrstuv';

let service: TestService;
let port: string;
beforeAll(async () => {
  service = await startService({ developmentKey: DEV_KEY, settings: { corsOrigins: ['https://evil.example'] } });
  port = new URL(service.url).port;
});
afterAll(() => service?.close());

/** A request with any Host header (fetch would not send a foreign one). */
function send(
  path: string,
  headers: Record<string, string>,
  method = 'GET',
  body?: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${service.url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const graphiql = (headers: Record<string, string>) => send('/graphql', { accept: 'text/html', ...headers });

describe('GraphiQL', () => {
  it.each(['localhost', '127.0.0.1', '127.3.4.5', '[::1]', 'LOCALHOST.'])(
    'pre-fills the key for Host %s (with and without a port), never cached',
    async (host) => {
      for (const value of [host, `${host}:${port}`]) {
        const page = await graphiql({ host: value, 'sec-fetch-site': 'none' });
        expect(page.status).toBe(200);
        expect(page.body).toContain(DEV_KEY);
        expect(page.headers['cache-control']).toBe('no-store');
      }
    },
  );

  it('pre-fills it for a same-origin request', async () => {
    const host = `127.0.0.1:${port}`;
    const page = await graphiql({ host, origin: `http://${host}`, 'sec-fetch-site': 'same-origin' });
    expect(page.body).toContain(DEV_KEY);
  });

  it.each([
    ['a rebound name', { host: 'rebind.attacker.example' }],
    ['a rebound name with a port', { host: `rebind.attacker.example:PORT` }],
    ['a public address', { host: '203.0.113.7' }],
    ['a loopback-looking name', { host: '127.0.0.1.nip.io' }],
    ['a cross-site page', { host: `127.0.0.1:PORT`, 'sec-fetch-site': 'cross-site' }],
    ['a same-site page on another port', { host: `localhost:PORT`, 'sec-fetch-site': 'same-site' }],
    ['another Origin', { host: `localhost:PORT`, origin: 'https://evil.example' }],
    ['an Origin on another loopback port', { host: `localhost:PORT`, origin: 'http://localhost:1' }],
  ])('serves GraphiQL without the key to %s', async (_name, headers: Record<string, string>) => {
    // The table is built before the service listens: its port is filled in here.
    const page = await graphiql(
      Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, value.replace('PORT', port)])),
    );
    expect(page.status).toBe(200);
    expect(page.body).toContain('GraphiQL');
    expect(page.body).not.toContain(DEV_KEY);
  });
});

describe('every other response', () => {
  it('never carries the key', async () => {
    const host = `127.0.0.1:${port}`;
    const answers = await Promise.all([
      send('/healthz', { host }),
      send('/readyz', { host }),
      send('/openapi.json', { host }),
      send('/nowhere', { host, accept: 'text/html' }),
      send('/billing-portals', { host }),
      send('/billing-portals', { host, 'reb-apikey': DEV_KEY }),
      send('/billing-portals/x', { host, 'reb-apikey': 'wrong-key-000' }, 'PUT', '{}'),
      send('/graphql', { host }),
      send('/graphql?query={__typename}', { host }),
      send('/graphql', { host, 'content-type': 'application/json' }, 'POST', '{"query":"{ __typename }"}'),
      send('/graphql', { host, 'content-type': 'application/json', 'reb-apikey': DEV_KEY }, 'POST', '{"query":"{'),
      send('/graphql', { host, origin: 'https://evil.example', 'access-control-request-method': 'POST' }, 'OPTIONS'),
      send('/graphql', { host, accept: 'text/html' }, 'DELETE'),
      send('/storefront/billing-portals/x', { host }),
    ]);
    const page = await graphiql({ host });
    for (const asset of new Set(page.body.match(/\/graphiql\/assets\/[\w.-]+/g)))
      answers.push(await send(asset, { host }));
    expect(answers.filter((a) => a.headers['content-type']?.toString().startsWith('text/javascript')).length).toBe(4);
    for (const answer of answers) {
      expect(answer.body).not.toContain(DEV_KEY);
      expect(JSON.stringify(answer.headers)).not.toContain(DEV_KEY);
    }
  });
});
