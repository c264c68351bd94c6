/**
 * GraphiQL's page is small: its script, stylesheet and workers are separate files from the service, kept by
 * browsers for a year (content-hashed names), compressed, and answered 304 when the browser has them.
 */
import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from './support/service.ts';

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(() => service?.close());

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The bytes as sent, not decompressed. */
  body: Buffer;
}

function fetchRaw(target: TestService, path: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    get(`${target.url}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

async function pageAndAssets() {
  const page = await fetchRaw(service, '/graphql', { accept: 'text/html' });
  const assets = [...new Set(page.body.toString('utf8').match(/\/graphiql\/assets\/[\w.-]+/g))];
  return { page, assets };
}

describe("GraphiQL's page", () => {
  it('is under 50 KB and loads its code from the service, nothing from elsewhere', async () => {
    const { page, assets } = await pageAndAssets();
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body.length).toBeLessThan(50_000);
    const html = page.body.toString('utf8');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(assets.filter((a) => a.endsWith('.js'))).toHaveLength(4); // GraphiQL and Monaco's three workers
    expect(assets.filter((a) => a.endsWith('.css'))).toHaveLength(1);
  });
});

describe("GraphiQL's files", () => {
  it('are cached for a year, immutable, under names that change with their content', async () => {
    const { assets } = await pageAndAssets();
    for (const asset of assets) {
      const answer = await fetchRaw(service, asset);
      expect(answer.status, asset).toBe(200);
      expect(answer.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(answer.headers.etag).toMatch(/^"[\w-]+"$/);
      expect(asset).toMatch(/\.[\w-]{16}\.(js|css|ico)$/);
    }
  });

  it('are sent compressed with brotli or gzip, as the browser accepts, and whole otherwise', async () => {
    const { assets } = await pageAndAssets();
    const script = assets.find((a) => a.includes('/graphiql.') && a.endsWith('.js'))!;
    const plain = await fetchRaw(service, script);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(1_000_000);
    const brotli = await fetchRaw(service, script, { 'accept-encoding': 'gzip, deflate, br' });
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotli.headers.vary).toMatch(/accept-encoding/i);
    expect(brotli.body.length).toBeLessThan(plain.body.length / 3);
    const gzip = await fetchRaw(service, script, { 'accept-encoding': 'gzip, deflate' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.body.length).toBeLessThan(plain.body.length / 3);
    const refusedBrotli = await fetchRaw(service, script, { 'accept-encoding': 'br;q=0, gzip' });
    expect(refusedBrotli.headers['content-encoding']).toBe('gzip');
    // Kept once compressed: the same bytes every time.
    expect((await fetchRaw(service, script, { 'accept-encoding': 'br' })).body.equals(brotli.body)).toBe(true);
  });

  it('answer 304 and no body to a browser that has them', async () => {
    const { assets } = await pageAndAssets();
    for (const asset of assets) {
      const first = await fetchRaw(service, asset, { 'accept-encoding': 'gzip' });
      const again = await fetchRaw(service, asset, {
        'accept-encoding': 'gzip',
        'if-none-match': String(first.headers.etag),
      });
      expect(again.status, asset).toBe(304);
      expect(again.body.length).toBe(0);
      expect(again.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
  });

  it('answer 404 for a name that is not one of them', async () => {
    const missing = await fetchRaw(service, '/graphiql/assets/graphiql.0000000000000000.js');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('are not served when GraphiQL is off', async () => {
    const off = await startService({ settings: { graphiql: false } });
    try {
      const { assets } = await pageAndAssets();
      expect((await fetchRaw(off, assets[0])).status).toBe(404);
      const page = await fetchRaw(off, '/graphql', { accept: 'text/html' });
      expect(page.body.toString('utf8')).not.toContain('GraphiQL');
    } finally {
      await off.close();
    }
  });
});
