/**
 * Peer: the benchmark's two GraphQL operations on Apollo Server 5 with its standalone HTTP server
 * (`startStandaloneServer`: node:http with CORS and JSON body parsing, no framework) — the fewest layers
 * of Apollo's documented set-ups (Express or another framework adds its own). The cache-control
 * plugin (installed by default, it hooks every field) is turned off: nothing here uses HTTP caching. The
 * API key is checked in the context function (Apollo's place for it, after the body is parsed); the
 * resolvers run our own validation, defaults and store (schema.ts).
 *
 * Environment: MONGODB_URI, MONGODB_DB, API_KEYS, PORT (0: any). Prints `listening <port>` once it accepts
 * connections.
 */
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { GraphQLError } from 'graphql';
import { openBackend } from './backend.ts';
import { callerOf } from './authenticate.ts';
import { peerResolvers, typeDefs, type PeerContext } from './schema.ts';

const backend = await openBackend('bench-peer-apollo');
const server = new ApolloServer<PeerContext>({
  typeDefs,
  resolvers: peerResolvers(backend.portals) as never,
  plugins: [ApolloServerPluginCacheControlDisabled()],
  includeStacktraceInErrorResponses: false,
  stopOnTerminationSignals: false,
});

const { url } = await startStandaloneServer(server, {
  listen: { port: Number(process.env.PORT ?? 0), host: '127.0.0.1' },
  context: async ({ req }) => {
    const caller = callerOf(backend.apiKeys, { get: (name) => req.headers[name] });
    if ('refused' in caller) {
      throw new GraphQLError(caller.refused, {
        extensions: {
          code: 'UNAUTHENTICATED',
          // Apollo wants a Map here; the type is Yoga's (its declaration merges into graphql's).
          http: { status: 401, headers: new HeaderMap([['www-authenticate', 'Bearer']]) as never },
        },
      });
    }
    return caller;
  },
});
console.log(`listening ${new URL(url).port}`);

const stop = () => void server.stop().then(() => backend.close().then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
