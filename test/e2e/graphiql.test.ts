/**
 * GraphiQL in a real browser: the service as `npm start` runs it, headless Chromium (Debian's
 * `chromium`, driven by playwright-core), the example operations of the default tab run as they are
 * with the pre-filled development key. Leaves a screenshot in test-results/graphiql.png.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page, type Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServiceProcess, type ServiceProcess } from '../support/process.ts';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCREENSHOT = path.join(ROOT, 'test-results', 'graphiql.png');
/** GraphiQL is a large bundle; on a loaded CI machine it takes a while to render. */
const RENDER_TIMEOUT = 60_000;
const RESULT_TIMEOUT = 30_000;

const QUERY_EDITOR = '.graphiql-query-editor .monaco-editor .view-lines';
const RESULT_PANE = '.graphiql-response .monaco-editor .view-lines';

/** Monaco renders spaces as U+00A0 and wraps long lines: compare text with whitespace collapsed. */
const collapse = (text: string | null) => (text ?? '').replace(/\s+/g, ' ');

// Runs wherever Chromium is installed, and always in CI (where a missing Chromium is a failure). Skipped,
// it says why and how to run it, in the suite's name and on stderr.
const SKIP_REASON = `skipped: ${CHROMIUM} is missing; run \`sudo apt-get install -y chromium && npx vitest run test/e2e\``;
const skip = !existsSync(CHROMIUM) && !process.env.CI;
if (skip) console.warn(`GraphiQL in headless Chromium: ${SKIP_REASON}`);

describe.skipIf(skip)(`GraphiQL in headless Chromium${skip ? ` (${SKIP_REASON})` : ''}`, () => {
  let dataDir: string;
  let service: ServiceProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'billing-e2e-'));
    service = await startServiceProcess({ DATA_DIR: dataDir }); // API_KEYS unset: a development key
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (service && service.child.exitCode === null) {
      service.child.kill('SIGTERM');
      await service.exited;
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 30_000);

  it('runs the default tab’s UpsertExamplePortal with the pre-filled key, and the portal is stored', async () => {
    const { url } = service!;
    const devKey = (await readFile(path.join(dataDir, 'development-api-key'), 'utf8')).trim();
    expect(devKey).toMatch(/^dev_/);

    const assets: Response[] = [];
    page.on('response', (response) => {
      if (response.url().startsWith(`${url}/graphiql/assets/`)) assets.push(response);
    });
    try {
      const document = await page.goto(`${url}/graphql`, { timeout: RENDER_TIMEOUT });
      // A small page; GraphiQL's code comes as separate files, compressed and kept by the browser for a year.
      expect((await document!.body()).length).toBeLessThan(50_000);
      await expect(page.title()).resolves.toBe('Billing portals · GraphiQL');
      // The script and stylesheet load with the page (the icon and Monaco's workers may follow later).
      const loaded = assets.map((asset) => new URL(asset.url()).pathname);
      expect(loaded).toContainEqual(expect.stringMatching(/^\/graphiql\/assets\/graphiql\.[\w-]+\.js$/));
      expect(loaded).toContainEqual(expect.stringMatching(/^\/graphiql\/assets\/graphiql\.[\w-]+\.css$/));
      for (const asset of assets) {
        expect(asset.status()).toBe(200);
        const headers = await asset.allHeaders();
        expect(headers['cache-control']).toBe('public, max-age=31536000, immutable');
        if (!asset.url().endsWith('.ico')) expect(headers['content-encoding']).toMatch(/^(br|gzip)$/);
      }

      // One tab per example, named after its operation once GraphiQL has parsed it; the first is open.
      const tab = page.locator('.graphiql-tab-active');
      await tab.filter({ hasText: 'UpsertExamplePortal' }).waitFor({ timeout: RENDER_TIMEOUT });
      await page.locator('.graphiql-tab').filter({ hasText: 'ListPortals' }).waitFor({ timeout: RENDER_TIMEOUT });
      expect(await page.locator('.graphiql-tab').allTextContents()).toEqual([
        expect.stringContaining('UpsertExamplePortal'),
        expect.stringContaining('ReadExamplePortal'),
        expect.stringContaining('ListPortals'),
      ]);
      await page.locator(QUERY_EDITOR).filter({ hasText: 'UpsertExamplePortal' }).waitFor({ timeout: RENDER_TIMEOUT });
      const editor = collapse(await page.locator(QUERY_EDITOR).textContent());
      expect(editor).toContain('mutation UpsertExamplePortal {');
      expect(editor).toContain('upsertBillingPortal(');
      expect(editor).toContain('id: "example-portal"');
      // The hint on the first line is seen whole in a 1400 px window.
      const hintFits = await page.evaluate((selector) => {
        // Runs in the page; the test's own `document` above is the page's HTTP response.
        const dom = (globalThis as any).document;
        const editorBox = dom.querySelector(selector).getBoundingClientRect();
        const lines: any[] = [...dom.querySelectorAll(`${selector} .view-line`)];
        const hint = lines.find((line) => line.textContent?.startsWith('#'));
        const text = hint?.firstElementChild?.getBoundingClientRect();
        return !!text && text.right <= editorBox.right;
      }, '.graphiql-query-editor .monaco-editor');
      expect(hintFits).toBe(true);

      // The pre-filled credential, in the Headers editor.
      const headersEditor = page
        .locator('.graphiql-editor-tool .monaco-editor .view-lines')
        .filter({ hasText: devKey });
      await headersEditor.waitFor({ timeout: RENDER_TIMEOUT });
      expect(collapse(await headersEditor.textContent())).toContain(`"REB-APIKEY": "${devKey}"`);

      // One operation in the tab: ▶ runs it, no menu to choose from.
      const sent = page.waitForRequest(
        (r) =>
          r.method() === 'POST' &&
          r.url() === `${url}/graphql` &&
          (r.postData() ?? '').includes('mutation UpsertExamplePortal'),
        { timeout: RESULT_TIMEOUT },
      );
      await page.locator('.graphiql-execute-button').click();
      const request = await sent;
      expect(await page.locator('[role="menu"]').count()).toBe(0);
      expect(request.headers()['reb-apikey']).toBe(devKey);
      expect((await request.response())?.status()).toBe(200);

      // The result pane shows the stored portal.
      const result = page.locator(RESULT_PANE);
      await result.filter({ hasText: 'UpsertBillingPortalSuccess' }).waitFor({ timeout: RESULT_TIMEOUT });
      const shown = collapse(await result.textContent());
      expect(shown).toContain('"__typename": "UpsertBillingPortalSuccess"');
      expect(shown).toContain('"created": true');
      expect(shown).toContain('"id": "example-portal"');
      expect(shown).toContain('"slug": "example-portal"');
      expect(shown).toContain('"name": "Example portal"');
      expect(shown).not.toContain('"errors"');
    } finally {
      await mkdir(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT });
    }

    // Really stored: the REST adapter reads it back with the same key.
    const read = await fetch(`${url}/billing-portals/example-portal`, { headers: { 'REB-APIKEY': devKey } });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({
      id: 'example-portal',
      websiteId: 'example-website',
      slug: 'example-portal',
      name: 'Example portal',
      customization: { colors: { primary: '0044d4', secondary: 'ffffff' } },
    });
  }, 90_000);

  it('reloads without GraphiQL’s files reaching the service again', async () => {
    const { url } = service!;
    const assetRequests = () => service!.output().match(/"url":"\/graphiql\/assets\//g)?.length ?? 0;
    await page.goto(`${url}/graphql`, { timeout: RENDER_TIMEOUT });
    await page.locator('.graphiql-execute-button').waitFor({ timeout: RENDER_TIMEOUT });
    const before = assetRequests();
    expect(before).toBeGreaterThan(0);
    await page.reload({ timeout: RENDER_TIMEOUT });
    await page.locator('.graphiql-execute-button').waitFor({ timeout: RENDER_TIMEOUT });
    await page.locator(QUERY_EDITOR).first().waitFor({ timeout: RENDER_TIMEOUT });
    expect(assetRequests()).toBe(before);
  }, 90_000);
});
