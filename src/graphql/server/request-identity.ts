/**
 * GraphQL errors carry the request's id (`extensions.requestId`, as in the X-Request-Id header), and an
 * unexpected error, masked for the caller, is logged whole on the request's own log line.
 */
import { GraphQLError } from 'graphql';
import type { FastifyRequest } from 'fastify';
import type { Plugin } from 'graphql-yoga';

const ORIGINAL = Symbol('the error a masked error stands for');

/** Keeps, out of the response, the error a masked one replaced, for the request's log. */
export function rememberOriginal(masked: Error, original: unknown): Error {
  Object.defineProperty(masked, ORIGINAL, { value: original, enumerable: false });
  return masked;
}

function withRequestId(error: GraphQLError, requestId: string): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, requestId },
  });
}

export function requestIdentity(): Plugin {
  return {
    onExecutionResult({ result, setResult, context }) {
      // The server context route.ts hands Yoga.
      const request = (context as { req?: FastifyRequest }).req;
      if (!request || !result || Array.isArray(result) || !('errors' in result) || !result.errors?.length) return;
      for (const error of result.errors) {
        const original = (error as { [ORIGINAL]?: unknown })[ORIGINAL];
        if (original !== undefined) request.log.error({ err: original }, 'unexpected error in a GraphQL operation');
      }
      setResult({
        ...result,
        errors: result.errors.map((error) => withRequestId(error, request.id)),
      });
    },
  };
}
