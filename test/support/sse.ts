/** Subscriptions read by real SSE clients: graphql-sse's client, and an EventSource (for Last-Event-ID). */
import { createClient, type ExecutionResult } from 'graphql-sse';
import { EventSource } from 'eventsource';

export interface Received {
  data?: any;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/** An open subscription: `next()` awaits the next result (done: the server completed the stream). */
export interface Subscriber {
  next(): Promise<Received | 'done'>;
  close(): Promise<void>;
}

export const CHANGE_FIELDS = 'eventId kind portalId revision occurredTime portal { id name revision }';

/** Subscribes with graphql-sse's client (GraphQL over SSE, distinct connections). */
export function subscribe(url: string, key: string | null, query: string, variables: Record<string, unknown> = {}) {
  const client = createClient({
    url: `${url}/graphql`,
    singleConnection: false,
    retryAttempts: 0,
    headers: key === null ? {} : { 'REB-APIKEY': key },
  });
  const results = client.iterate<any>({ query, variables }) as AsyncIterableIterator<ExecutionResult<any>>;
  // The client connects on the first read: asked for at once, so that the stream opens now.
  let pending = results.next();
  return {
    async next(): Promise<Received | 'done'> {
      const { value, done } = await pending;
      if (!done) pending = results.next();
      return done ? 'done' : (value as Received);
    },
    async close() {
      await results.return?.();
      client.dispose();
    },
  } satisfies Subscriber;
}

export interface SseEvent {
  id: string;
  data: Received;
}

/** Subscribes with an EventSource (GET), sending Last-Event-ID when given; events as they arrive. */
export function eventSource(url: string, key: string, query: string, lastEventId?: string) {
  const events: SseEvent[] = [];
  const waiters: Array<() => void> = [];
  const target = new URL(`${url}/graphql`);
  target.searchParams.set('query', query);
  const source = new EventSource(target, {
    fetch: (input, init) =>
      fetch(input, {
        ...init,
        headers: { ...init.headers, 'REB-APIKEY': key, ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}) },
      }),
  });
  source.addEventListener('next', (event) => {
    events.push({ id: event.lastEventId, data: JSON.parse(event.data) });
    waiters.splice(0).forEach((wake) => wake());
  });
  return {
    /** The first `count` events (awaiting them). */
    async take(count: number): Promise<SseEvent[]> {
      while (events.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
      return events.slice(0, count);
    },
    opened: new Promise<void>((resolve) => source.addEventListener('open', () => resolve())),
    close: () => source.close(),
  };
}
