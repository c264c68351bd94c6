/**
 * Shutdown: SIGTERM during a write load. A request the service has already accepted still gets its
 * 2xx; new connections are refused while it finishes; the process exits 0 within a bound; nothing
 * acknowledged is lost (checked after a restart on the same data directory).
 */
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { cleanupAfterAll, killIfRunning, startServiceProcess, type ServiceProcess } from '../support/process.ts';
import {
  isProblem,
  missingWrites,
  newWriteLog,
  send,
  tally,
  tempDir,
  UNLIMITED_WRITES,
  waitFor,
  writeLoad,
  type Answer,
} from '../support/reliability.ts';

const KEY = 'shutdown-key-0123456789';
const ENV = { API_KEYS: `org-shutdown:${KEY}`, RATE_LIMIT: UNLIMITED_WRITES };
/** From the moment nothing is in flight any more, the process must be gone within this. */
const EXIT_BOUND_MS = 5_000;

const onCleanup = cleanupAfterAll();

function track(service: ServiceProcess): ServiceProcess {
  onCleanup(() => killIfRunning(service));
  return service;
}

/** Opens a new TCP connection to the service: 'connected', or the error code when it is refused. */
function newConnection(baseUrl: string): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/**
 * A raw keep-alive connection holding a PUT whose headers the server has received and accepted (it
 * answered `100 Continue`) but whose body is still to come: a request that is certainly in flight.
 */
async function startSlowPut(baseUrl: string, id: string, body: string) {
  const { hostname, port } = new URL(baseUrl);
  const socket: Socket = connect(Number(port), hostname);
  let received = '';
  let closed = false;
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (received += chunk));
  socket.on('close', () => (closed = true));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const head = (method: string, path: string, length: number, extra = '') =>
    `${method} ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nREB-APIKEY: ${KEY}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${length}\r\n${extra}\r\n`;
  socket.write(head('PUT', `/billing-portals/${id}`, Buffer.byteLength(body), 'Expect: 100-continue\r\n'));
  await waitFor(async () => received.includes('100 Continue'), 5_000, 5);
  /** The next complete response after `from` (Content-Length framed), or undefined if the connection closed. */
  const responseAfter = async (from: number): Promise<string | undefined> => {
    const complete = () => {
      const text = received.slice(from).replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, '');
      const split = text.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(text.slice(0, split))?.[1];
      return split >= 0 && length !== undefined && Buffer.byteLength(text.slice(split + 4)) >= Number(length)
        ? text
        : undefined;
    };
    await waitFor(async () => closed || complete() !== undefined, 10_000, 5);
    return complete();
  };
  return {
    /** Sends the rest of the held PUT; its response. */
    async finish(): Promise<string | undefined> {
      const from = received.length;
      socket.write(body);
      return responseAfter(from);
    },
    /** A further request on the same connection; its response, or undefined when the server closed it. */
    async again(method: string, path: string, next: string): Promise<string | undefined> {
      if (closed) return undefined;
      const from = received.length;
      socket.write(head(method, path, Buffer.byteLength(next)) + next);
      return responseAfter(from);
    },
    close: () => socket.destroy(),
  };
}

describe.skipIf(!!process.env.MONGODB_URI)('shutdown', () => {
  it('SIGTERM under load: in-flight requests complete, new connections are refused, exit 0, nothing lost', async () => {
    const data = await tempDir('billing-shutdown-');
    onCleanup(data.remove);
    const service = track(await startServiceProcess({ ...ENV, DATA_DIR: data.dir }));
    const log = newWriteLog();
    const errorAnswers: Answer[] = [];
    const load = writeLoad({
      url: () => service.url,
      key: KEY,
      workers: 8,
      idsPerWorker: 8,
      prefix: 'term',
      log,
      onAnswer: (answer) => void (answer.status >= 300 && errorAnswers.push(answer)),
    });
    await waitFor(async () => log.ackCount >= 200, 30_000);

    const slowBody = JSON.stringify({ websiteId: 'w', slug: 'in-flight', name: 'in flight at SIGTERM' });
    const slow = await startSlowPut(service.url, 'in-flight', slowBody);

    service.child.kill('SIGTERM');
    await waitFor(async () => service.output().includes('SIGTERM received'), 10_000, 10);

    // While the accepted request is still open, the process stays up and new connections are refused. (Checked
    // with a new TCP connection: fetch may reuse a kept-alive one, which gets the closing 503 instead.)
    await waitFor(async () => (await newConnection(service.url)) === 'ECONNREFUSED', 5_000, 10);
    expect(await newConnection(service.url)).toBe('ECONNREFUSED');
    expect(service.child.exitCode).toBeNull();

    // The accepted request completes with its 201.
    const response = await slow.finish();
    expect(response).toMatch(/^HTTP\/1\.1 201 /);
    // A new request on that kept-alive connection is refused: the connection is closed, or it is
    // answered 503 with a problem body, like every error (docs/api.md).
    const late = await slow.again(
      'PUT',
      '/billing-portals/late',
      JSON.stringify({ websiteId: 'w', slug: 'late-one', name: 'late' }),
    );
    slow.close();
    if (late !== undefined) {
      expect(late).toMatch(/^HTTP\/1\.1 503 /);
      expect.soft(late, 'a 503 while closing must be a problem').toMatch(/content-type: application\/problem\+json/i);
    }
    const finishedAt = Date.now();
    const code = await Promise.race([
      service.exited,
      new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), EXIT_BOUND_MS).unref()),
    ]);
    expect(code, `exit within ${EXIT_BOUND_MS} ms\n${service.output().slice(-2000)}`).toBe(0);
    const exitMs = Date.now() - finishedAt;
    await load.stop();

    // The load saw successes, then refusals: never an error status other than Fastify's "closing" 503.
    const statuses = [...log.statuses.keys()];
    expect(
      statuses.every((s) => s === 200 || s === 201 || s === 503),
      tally(log.statuses),
    ).toBe(true);
    // Like every error body, a 503 while closing must be a problem. Soft: durability is checked below.
    for (const answer of errorAnswers) expect.soft(isProblem(answer), `${answer.status} ${answer.text}`).toBe(true);

    const restarted = track(await startServiceProcess({ ...ENV, DATA_DIR: data.dir }));
    const lost = await missingWrites(restarted.url, KEY, log);
    const inFlight = await send(`${restarted.url}/billing-portals/in-flight`, { headers: { 'REB-APIKEY': KEY } });
    expect(inFlight.status).toBe(200);
    expect(inFlight.json.name).toBe('in flight at SIGTERM');
    console.log(
      `shutdown: ${log.ackCount} writes acknowledged, statuses ${tally(log.statuses)}, transport failures ` +
        `${tally(log.transportErrors)}, exit ${exitMs} ms after the last in-flight request, lost ${lost.length}`,
    );
    expect(lost).toEqual([]);
    restarted.child.kill('SIGTERM');
    expect(await restarted.exited).toBe(0);
  }, 60_000);
});
