/**
 * GraphiQL's script, stylesheet, editor workers and icon, served as separate files from the service itself
 * (no CDN): each under a name holding its content's hash, so a browser keeps it for a year and a reload
 * fetches nothing. Each file is compressed (brotli, gzip) once, on its first request, and the bytes kept.
 *
 * The bundle is read on the first page view rather than at start-up: it is large, and most deployments
 * never show GraphiQL.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { refuseOtherMethods } from '../../http/method-not-allowed.ts';
import { problem, sendProblem } from '../../http/problem.ts';

export const GRAPHIQL_ASSETS_PATH = '/graphiql/assets';

type Encoding = 'br' | 'gzip';

interface Asset {
  type: string;
  body: Buffer;
  hash: string;
  encoded: Map<Encoding, Promise<Buffer>>;
}

/** Where the page finds each file. */
export interface GraphiQLAssetUrls {
  script: string;
  stylesheet: string;
  icon: string;
  /** Monaco's workers, by the label Monaco asks for. */
  workers: { editorWorkerService: string; json: string; graphql: string };
}

const IMMUTABLE = 'public, max-age=31536000, immutable';

const compress: Record<Encoding, (body: Buffer) => Promise<Buffer>> = {
  br: (body) =>
    promisify(brotliCompress)(body, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
    }),
  gzip: (body) => promisify(gzip)(body, { level: 9 }),
};

/** The encoding to send for an Accept-Encoding header: brotli, else gzip, else none. */
function chooseEncoding(acceptEncoding: string | undefined): Encoding | undefined {
  const accepted = new Set(
    (acceptEncoding ?? '')
      .split(',')
      .map((part) => part.trim().toLowerCase().split(';'))
      .filter(([, ...params]) => !params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(p)))
      .map(([name]) => name.trim()),
  );
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip') || accepted.has('*')) return 'gzip';
  return undefined;
}

function dataUrlBytes(dataUrl: string): { type: string; body: Buffer } {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(dataUrl);
  if (!match) throw new Error('GraphiQL bundle: its icon is not a base64 data URL');
  return { type: match[1], body: Buffer.from(match[2], 'base64') };
}

export class GraphiQLAssets {
  private loaded: Promise<{ byFile: Map<string, Asset>; urls: GraphiQLAssetUrls }> | undefined;

  /** The files' URLs, reading the bundle on first use. */
  async urls(): Promise<GraphiQLAssetUrls> {
    return (await this.load()).urls;
  }

  private load() {
    this.loaded ??= import('@graphql-yoga/render-graphiql/graphiql').then((bundle) => {
      const byFile = new Map<string, Asset>();
      const add = (name: string, extension: string, type: string, body: Buffer) => {
        const hash = createHash('sha256').update(body).digest('base64url').slice(0, 16);
        const file = `${name}.${hash}.${extension}`;
        byFile.set(file, { type, body, hash, encoded: new Map() });
        return `${GRAPHIQL_ASSETS_PATH}/${file}`;
      };
      const script = (text: string) => Buffer.from(text, 'utf8');
      const javascript = 'text/javascript; charset=utf-8';
      const icon = dataUrlBytes(bundle.favicon);
      const urls: GraphiQLAssetUrls = {
        script: add('graphiql', 'js', javascript, script(bundle.js)),
        stylesheet: add('graphiql', 'css', 'text/css; charset=utf-8', script(bundle.css)),
        icon: add('favicon', 'ico', icon.type, icon.body),
        workers: {
          editorWorkerService: add('editor.worker', 'js', javascript, script(bundle.editorWorkerService)),
          json: add('json.worker', 'js', javascript, script(bundle.jsonWorker)),
          graphql: add('graphql.worker', 'js', javascript, script(bundle.graphqlWorker)),
        },
      };
      return { byFile, urls };
    });
    return this.loaded;
  }

  private async send(request: FastifyRequest<{ Params: { file: string } }>, reply: FastifyReply) {
    const asset = (await this.load()).byFile.get(request.params.file);
    if (!asset) return sendProblem(reply, problem(404, `No GraphiQL file "${request.params.file}".`));
    const encoding = asset.type.startsWith('image/') ? undefined : chooseEncoding(request.headers['accept-encoding']);
    // One tag per representation; any of them means the browser holds this very file.
    const etag = `"${asset.hash}${encoding ? `-${encoding}` : ''}"`;
    reply.header('Cache-Control', IMMUTABLE).header('Vary', 'Accept-Encoding').header('ETag', etag).type(asset.type);
    const ifNoneMatch = request.headers['if-none-match'];
    if (ifNoneMatch?.split(',').some((tag) => tag.trim().replace(/^W\//, '').startsWith(`"${asset.hash}`))) {
      return reply.status(304).send();
    }
    if (!encoding) return reply.send(asset.body);
    let encoded = asset.encoded.get(encoding);
    if (!encoded) asset.encoded.set(encoding, (encoded = compress[encoding](asset.body)));
    return reply.header('Content-Encoding', encoding).send(await encoded);
  }

  /** GET {GRAPHIQL_ASSETS_PATH}/:file */
  routes() {
    return async (app: FastifyInstance) => {
      const url = `${GRAPHIQL_ASSETS_PATH}/:file`;
      app.get(url, (request: FastifyRequest<{ Params: { file: string } }>, reply) => this.send(request, reply));
      refuseOtherMethods(app, url, ['GET']);
    };
  }
}
