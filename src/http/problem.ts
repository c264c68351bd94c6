/**
 * RFC 9457 problem details: every error body outside /graphql (REST, health, 404s, 405s, unreadable
 * requests). Domain errors are mapped to problems once, in rest/domain-problems.ts.
 */
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { InvalidField } from '../portals/errors.ts';

/** RFC 9457 problem details, as every REST error body is; /openapi.json documents it. */
export const problemSchema = z
  .strictObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    detail: z.string(),
    invalidFields: z
      .array(z.strictObject({ field: z.string(), message: z.string() }))
      .optional()
      .meta({ description: 'On 400 and 422: one entry per problem, with the dot path of the field.' }),
    dependencies: z
      .record(z.string(), z.string())
      .optional()
      .meta({ description: "On GET /readyz: each dependency's state, e.g. database: not answering." }),
    requestId: z.string().optional().meta({
      description: "The request's id, as in the X-Request-Id response header: quote it when reporting a problem.",
    }),
  })
  .meta({ description: 'RFC 9457 problem details.' });

export type Problem = z.infer<typeof problemSchema>;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  408: 'Request Timeout',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problem(status: number, detail: string, invalidFields?: InvalidField[]): Problem {
  return {
    type: 'about:blank',
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    ...(invalidFields ? { invalidFields } : {}),
  };
}

export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  return reply
    .status(body.status)
    .type('application/problem+json; charset=utf-8')
    .send({ ...body, requestId: reply.request.id });
}

export const INTERNAL_ERROR = problem(500, 'An unexpected error occurred; it has been logged.');
