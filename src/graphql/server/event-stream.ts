/**
 * Subscriptions over Server-Sent Events (GraphQL over SSE, distinct connections), written here rather
 * than by Yoga's own processor so that each change carries its `id:` line — the id a client sends back as
 * Last-Event-ID to resume. The subscription's resolver puts the event id in the context; the result of
 * each event takes it from there.
 */
import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GraphQLContext } from '../schema/context.ts';

/** A comment line now and then keeps proxies from closing an idle stream. */
const KEEP_ALIVE_MS = 12_000;

const EVENT_ID = 'eventId';

function acceptsEventStream(request: Request): boolean {
  return (request.headers.get('accept') ?? '').includes('text/event-stream');
}

/** An error as the response shows it: without the `http` extension Yoga uses for the status. */
function errorJson(error: GraphQLError | { message: string }): unknown {
  const json = error instanceof GraphQLError ? error.toJSON() : { message: error.message };
  if (!json.extensions) return json;
  const { http, ...extensions } = json.extensions as Record<string, unknown>;
  return { ...json, extensions: Object.keys(extensions).length > 0 ? extensions : undefined };
}

function eventOf(result: ExecutionResult): string {
  const { [EVENT_ID]: eventId, http, ...extensions } = (result.extensions ?? {}) as Record<string, unknown>;
  const data = JSON.stringify({
    ...result,
    errors: result.errors?.map(errorJson),
    extensions: Object.keys(extensions).length > 0 ? extensions : undefined,
  });
  return `${typeof eventId === 'string' ? `id: ${eventId}\n` : ''}event: next\ndata: ${data}\n\n`;
}

function eventStream(
  results: AsyncIterable<ExecutionResult>,
  fetchAPI: { ReadableStream: typeof ReadableStream; Response: typeof Response },
) {
  const encoder = new TextEncoder();
  const iterator = results[Symbol.asyncIterator]();
  let keepAlive: NodeJS.Timeout | undefined;
  const body = new fetchAPI.ReadableStream<Uint8Array>({
    start(controller) {
      // Some clients wait for a first byte before they report the stream open.
      controller.enqueue(encoder.encode(':\n\n'));
      keepAlive = setInterval(() => {
        if ((controller.desiredSize ?? 0) > 0) controller.enqueue(encoder.encode(':\n\n'));
      }, KEEP_ALIVE_MS);
    },
    async pull(controller) {
      try {
        const { value, done } = await iterator.next();
        if (!done) return controller.enqueue(encoder.encode(eventOf(value)));
        clearInterval(keepAlive);
        controller.enqueue(encoder.encode('event: complete\ndata:\n\n'));
        controller.close();
      } catch (error) {
        clearInterval(keepAlive);
        controller.error(error);
      }
    },
    async cancel() {
      clearInterval(keepAlive);
      await iterator.return?.();
    },
  });
  return new fetchAPI.Response(body, {
    status: 200,
    headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' },
  });
}

export function eventStreamWithIds(): Plugin<GraphQLContext> {
  return {
    onSubscribe() {
      return {
        onSubscribeResult() {
          return {
            onNext({ args, result, setResult }) {
              const delivery = args.contextValue.delivery;
              if (delivery?.eventId === undefined) return;
              setResult({ ...result, extensions: { ...result.extensions, [EVENT_ID]: delivery.eventId } });
              delivery.eventId = undefined;
            },
          };
        },
      };
    },
    onResultProcess({ request, result, setResultProcessor }) {
      if (!acceptsEventStream(request) || !(Symbol.asyncIterator in Object(result))) return;
      setResultProcessor(
        (results, fetchAPI) => eventStream(results as AsyncIterable<ExecutionResult>, fetchAPI),
        'text/event-stream',
      );
    },
  };
}
