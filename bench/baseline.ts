/**
 * The benchmark's baseline: a bare `node:http` server that answers the benchmarked requests with the
 * same single driver call the service's store makes, against the same database — no validation, no
 * GraphQL, no framework, no error mapping. What the service costs is measured as a ratio to this.
 *
 *   PUT  /billing-portals/{id}   → PortalStore.upsert's findOneAndUpdate: the same filter, the same update
 *                                  pipeline (the fields and the history outbox entry, recordedReplacement),
 *                                  the same options; 201 or 200 with the fields written. What it leaves out is
 *                                  the store's second call, storing the history entry (shared by the writes
 *                                  that arrive together), and everything above the driver.
 *   GET  /billing-portals/{id}   → findOne({ organizationId, id }) with the store's projection, 200 or 404
 *   GET  /billing-portals?filter=websiteId:{w}&sort=-createdTime&limit=20
 *                                → find(filter).sort().limit() and countDocuments(filter): the plain way to
 *                                  read a page (the store now reads versions and fills from its cache)
 *
 * Environment: MONGODB_URI, MONGODB_DB, PORT (0: any), API_KEYS (`org:key,…`). Prints
 * `listening <port>` on stdout once it accepts connections.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { MongoClient, type Document } from 'mongodb';
import { recordedReplacement } from '../src/portals/mongo/history-outbox.ts';
import { newRevision } from '../src/portals/mongo/revision.ts';

const COLLECTION = 'billingPortals';
/** What PortalStore reads of a portal. */
const PROJECTION = { _id: 0, lookup: 0, historyOutbox: 0, historySequence: 0 } as const;
/** What PortalStore.upsert asks back: the document as it was. */
const BEFORE_PROJECTION = { _id: 0, lookup: 0 } as const;

const client = new MongoClient(process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/', { appName: 'bench-baseline' });
await client.connect();
const portals = client.db(process.env.MONGODB_DB ?? 'billing').collection<Document>(COLLECTION);

const organizations = new Map(
  (process.env.API_KEYS ?? '')
    .split(',')
    .filter(Boolean)
    .map((pair) => {
      const [organizationId, key] = pair.split(':');
      return [key, organizationId] as const;
    }),
);

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const organizationId = organizations.get(String(request.headers['reb-apikey']));
  if (organizationId === undefined) return send(response, 401, { detail: 'no key' });
  const url = request.url ?? '/';
  const question = url.indexOf('?');
  const path = question < 0 ? url : url.slice(0, question);
  const prefix = '/billing-portals';
  if (!path.startsWith(prefix)) return send(response, 404, { detail: 'not found' });
  const id = path.length > prefix.length + 1 ? decodeURIComponent(path.slice(prefix.length + 1)) : undefined;

  if (request.method === 'PUT' && id !== undefined) {
    const fields = JSON.parse(await readBody(request)) as Record<string, unknown> & { websiteId: string; slug: string };
    const write = { revision: newRevision(), time: new Date(), apiKeyName: null };
    const lookup = { websiteId: fields.websiteId.toLowerCase(), slug: fields.slug.toLowerCase() };
    const before = await portals.findOneAndUpdate(
      { organizationId, id },
      recordedReplacement(fields as never, { lookup }, write),
      { upsert: true, returnDocument: 'before', projection: BEFORE_PROJECTION },
    );
    const portal = {
      ...fields,
      id,
      createdTime: before?.createdTime ?? write.time,
      updatedTime: write.time,
      revision: write.revision,
    };
    return send(response, before ? 200 : 201, portal);
  }
  if (request.method === 'GET' && id !== undefined) {
    const portal = await portals.findOne({ organizationId, id }, { projection: PROJECTION });
    return portal ? send(response, 200, portal) : send(response, 404, { detail: 'not found' });
  }
  if (request.method === 'GET') {
    const parameters = new URLSearchParams(question < 0 ? '' : url.slice(question + 1));
    const websiteId = (parameters.get('filter') ?? '').replace(/^websiteId:/, '').toLowerCase();
    const filter = { organizationId, 'lookup.websiteId': websiteId };
    const [page, total] = await Promise.all([
      portals
        .find(filter, { projection: PROJECTION })
        .sort({ createdTime: -1, id: -1 })
        .limit(Number(parameters.get('limit') ?? 20))
        .toArray(),
      portals.countDocuments(filter),
    ]);
    response.setHeader('Pagination-Total', total);
    return send(response, 200, page);
  }
  return send(response, 405, { detail: 'not allowed' });
}

const server = createServer((request, response) => {
  handle(request, response).catch((error: unknown) => {
    console.error(error);
    if (!response.headersSent) send(response, 500, { detail: 'error' });
  });
});
server.keepAliveTimeout = 5000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : ''}`);
});

const stop = () => {
  server.close();
  server.closeAllConnections();
  void client.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
