/**
 * A request without a valid key is refused before its body is read, at both doors: a broken body gets the
 * 401 (not the parser's 400), and so does a body that never ends — the answer arrives while it is still open.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG_A, startService, type TestService } from './support/service.ts';

let service: TestService;
let publicSchema: TestService;
beforeAll(async () => {
  [service, publicSchema] = await Promise.all([
    startService(),
    startService({ settings: { introspection: 'public' } }),
  ]);
});
afterAll(() => Promise.all([service?.close(), publicSchema?.close()]));

const DEEP_JSON = '['.repeat(100_000) + ']'.repeat(100_000);

/**
 * Sends a request's headers and the first bytes of a body that announces more and never comes; resolves
 * with the status line the server answers with while the body is still open.
 */
function answerToUnfinishedBody(target: TestService, head: string): Promise<string> {
  const url = new URL(target.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () =>
      socket.write(
        `${head}\r\nHost: ${url.host}\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{"a":`,
      ),
    );
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString();
      if (received.includes('\r\n')) {
        resolve(received.slice(0, received.indexOf('\r\n')));
        socket.destroy();
      }
    });
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

describe('REST writes', () => {
  it.each([
    ['PUT', '/billing-portals/p1'],
    ['POST', '/billing-portals'],
    ['PUT', '/organizations/org-a/billing-portals/p1'],
    ['POST', '/billing-portals/p1/custom-domain/verification'],
  ])('%s %s without a key: 401 whatever the body', async (method, path) => {
    for (const rawBody of ['{"websiteId": ', DEEP_JSON]) {
      const refused = await service.rest(method, path, {
        rawBody,
        key: null,
        headers: { 'content-type': 'application/json' },
      });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer');
    }
    const wrongKey = await service.rest(method, path, {
      rawBody: DEEP_JSON,
      key: 'not-a-key-0000',
      headers: { 'content-type': 'application/json' },
    });
    expect(wrongKey.status).toBe(401);
  });

  it('answers 403 for another organization’s path before reading the body', async () => {
    const refused = await service.rest('PUT', '/organizations/org-b/billing-portals/p1', {
      rawBody: '{"broken',
      headers: { 'content-type': 'application/json' },
    });
    expect(refused.status).toBe(403);
  });

  it('answers 401 while a body is still being sent', async () => {
    expect(await answerToUnfinishedBody(service, 'PUT /billing-portals/p1 HTTP/1.1')).toBe('HTTP/1.1 401 Unauthorized');
    expect(await answerToUnfinishedBody(service, 'POST /billing-portals HTTP/1.1\r\nREB-APIKEY: not-a-key-0000')).toBe(
      'HTTP/1.1 401 Unauthorized',
    );
  });

  it('still reads the body of a request with a valid key', async () => {
    const broken = await service.rest('PUT', '/billing-portals/p1', {
      rawBody: '{"websiteId": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(broken.status).toBe(400);
  });
});

describe('POST /graphql', () => {
  const post = (target: TestService, body: string, headers: Record<string, string> = {}) =>
    fetch(`${target.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  it('without a key or with a wrong one: 401 whatever the body', async () => {
    for (const headers of [{}, { 'REB-APIKEY': 'not-a-key-0000' }] as Record<string, string>[]) {
      for (const body of ['{"query": ', DEEP_JSON, JSON.stringify({ query: '{ __typename }' })]) {
        const refused = await post(service, body, headers);
        expect(refused.status).toBe(401);
        expect(refused.headers.get('www-authenticate')).toBe('Bearer');
        expect((await refused.json()).errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
      }
    }
    expect((await post(service, '{"query": ', { 'REB-APIKEY': ORG_A.key })).status).toBe(400);
    // Only a GET for GraphiQL's page passes without a key; a HEAD dressed like one does not.
    const head = await fetch(`${service.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      method: 'HEAD',
      headers: { accept: 'text/html' },
    });
    expect(head.status).toBe(401);
  });

  it('answers 401 while a body is still being sent', async () => {
    expect(await answerToUnfinishedBody(service, 'POST /graphql HTTP/1.1')).toBe('HTTP/1.1 401 Unauthorized');
    expect(await answerToUnfinishedBody(publicSchema, 'POST /graphql HTTP/1.1\r\nREB-APIKEY: not-a-key-0000')).toBe(
      'HTTP/1.1 401 Unauthorized',
    );
  });

  it('with GRAPHQL_INTROSPECTION=public, reads a keyless request: the schema, nothing else', async () => {
    const schema = await post(publicSchema, JSON.stringify({ query: '{ __schema { queryType { name } } }' }));
    expect(await schema.json()).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    const portal = await post(publicSchema, JSON.stringify({ query: '{ billingPortal(id: "x") { id } }' }));
    expect(portal.status).toBe(401);
  });
});
