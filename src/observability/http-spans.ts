/**
 * The server span of every HTTP request: started when the request arrives (under the caller's
 * `traceparent`), named by the route's template (`PUT /billing-portals/:id`; the method alone outside every
 * route) and ended when the response has been sent. Nothing is added to the response.
 *
 * The span is made the active context at `preHandler`, where the route's own hooks and its handler run:
 * entered earlier (at `onRequest`) it would be lost by then, because Fastify reads a body in the socket's
 * stream events, which run in the connection's context rather than the request's.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Context } from '@opentelemetry/api';
import type { Tracing } from './tracing.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's trace context while its server span is open (only with tracing on). */
    traceContext: Context | null;
  }
}

export function traceHttpRequests(app: FastifyInstance, tracing: Tracing): void {
  app.decorateRequest('traceContext', null);
  app.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url;
    const queryStart = request.url.indexOf('?');
    request.traceContext = tracing.startRequest(
      route ? `${request.method} ${route}` : request.method,
      request.headers,
      {
        'http.request.method': request.method,
        ...(route && { 'http.route': route }),
        'url.path': queryStart === -1 ? request.url : request.url.slice(0, queryStart),
        'url.scheme': request.protocol,
      },
    );
    done();
  });
  app.addHook('preHandler', (request, _reply, done) => {
    if (request.traceContext) tracing.run(request.traceContext, done);
    else done();
  });
  // Whichever comes first ends the span (a request aborted while its handler runs may still be answered).
  const end = (request: FastifyRequest, statusCode: number | undefined) => {
    if (request.traceContext) tracing.endRequest(request.traceContext, statusCode);
    request.traceContext = null;
  };
  app.addHook('onResponse', (request, reply, done) => {
    end(request, reply.statusCode);
    done();
  });
  app.addHook('onRequestAbort', (request, done) => {
    end(request, undefined);
    done();
  });
}
