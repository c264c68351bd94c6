/**
 * Peer: the benchmark's two GraphQL operations on Fastify + Mercurius, with graphql-jit compiling each
 * query from its first use (`jit: 1`). The API key is checked in an onRequest hook, before the body is
 * read, as the service does; the resolvers run our own validation, defaults and store (schema.ts).
 *
 * Environment: MONGODB_URI, MONGODB_DB, API_KEYS, PORT (0: any). Prints `listening <port>` once it accepts
 * connections.
 */
import Fastify from 'fastify';
import mercurius from 'mercurius';
import { openBackend } from './backend.ts';
import { callerOf } from './authenticate.ts';
import { peerResolvers, typeDefs, type PeerContext } from './schema.ts';

declare module 'fastify' {
  interface FastifyRequest {
    caller: PeerContext | null;
  }
}

const backend = await openBackend('bench-peer-mercurius');
const app = Fastify({ logger: false });
app.decorateRequest('caller', null);
app.addHook('onRequest', async (request, reply) => {
  const caller = callerOf(backend.apiKeys, { get: (name) => request.headers[name] });
  if ('refused' in caller) {
    return reply
      .code(401)
      .header('WWW-Authenticate', 'Bearer')
      .send({ errors: [{ message: caller.refused, extensions: { code: 'UNAUTHENTICATED' } }] });
  }
  request.caller = caller;
});
await app.register(mercurius, {
  schema: typeDefs,
  resolvers: peerResolvers(backend.portals) as never,
  jit: 1,
  context: (request) => ({ ...request.caller }),
});

await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
const address = app.server.address();
console.log(`listening ${typeof address === 'object' && address ? address.port : ''}`);

const stop = () => void app.close().then(() => backend.close().then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
