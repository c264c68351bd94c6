/** The embedded server's worker thread: starts the server, reports where it listens, closes it when told. */
import { parentPort, workerData } from 'node:worker_threads';
import { startEmbeddedMongo, type EmbeddedMongoOptions } from './index.ts';
import { serializeError, type FromServerThread, type ToServerThread } from './thread-messages.ts';

const port = parentPort!;
const say = (message: FromServerThread) => port.postMessage(message);

try {
  const options = workerData as Omit<EmbeddedMongoOptions, 'log' | 'clock'>;
  const server = await startEmbeddedMongo({ ...options, log: (message) => say({ type: 'log', message }) });
  port.on('message', (message: ToServerThread) => {
    if (message.type !== 'close') return;
    void server.close().then(() => {
      say({ type: 'closed' });
      port.close();
    });
  });
  say({ type: 'ready', uri: server.uri, host: server.host, port: server.port, socketPath: server.socketPath });
} catch (error) {
  say({ type: 'failed', error: serializeError(error) });
  port.close();
}
