/**
 * The common GraphQL request — a POST of a JSON object, from a client that takes application/json —
 * answered by Yoga's own operation pipeline (`getResultForParams`: parameter checks,
 * parse and validation caches, every plugin, error masking, execution) and Yoga's own serializer
 * (`processRegularResult`: the status from the errors, the body without internals), but without turning
 * the request into a Fetch Request with a body stream and the answer into a Fetch Response. That
 * conversion was most of what Yoga cost a portal read.
 *
 * Anything else — another method or media type, an Accept that asks for more, a body that is not
 * a JSON object — is left to Yoga whole (`undefined`), and so is a request Yoga's parameter checks
 * refuse: those refusals happen before anything runs, so Yoga can answer them afresh.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ExecutionResult } from 'graphql';
import { processRegularResult, type GraphQLParams } from 'graphql-yoga';
import type { EarlierRun, PreparedQueries } from './prepared-queries.ts';
import type { GraphQLHandler } from './yoga.ts';

export interface CompleteAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Accept values for which Yoga picks its application/json serializer. */
const JSON_ACCEPTS = new Set([undefined, '', '*/*', 'application/json']);

/** Stands in for the Fetch Response `processRegularResult` makes: it keeps what it was given. */
class AnswerCapture {
  readonly body: string | null;
  readonly init: { status?: number; headers?: Record<string, string> };

  constructor(body: string | null, init: { status?: number; headers?: Record<string, string> } = {}) {
    this.body = body;
    this.init = init;
  }
}
const CAPTURING_FETCH_API = { Response: AnswerCapture } as unknown as Parameters<typeof processRegularResult>[1];

function jsonObjectBody(request: FastifyRequest): GraphQLParams | undefined {
  const { headers } = request.raw;
  if (request.method !== 'POST' || !JSON_ACCEPTS.has(headers.accept)) return undefined;
  const type = headers['content-type'];
  if (type !== 'application/json' && !type?.startsWith('application/json;')) return undefined;
  const body = request.body as string | Buffer | undefined;
  if (!body || body.length === 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as GraphQLParams)
      : undefined;
  } catch {
    return undefined;
  }
}

function answerOf(result: ExecutionResult): CompleteAnswer {
  const answer = processRegularResult(result, CAPTURING_FETCH_API, 'application/json') as unknown as AnswerCapture;
  return { status: answer.init.status ?? 200, headers: answer.init.headers ?? {}, body: answer.body ?? '' };
}

export async function answerJsonPost(
  yoga: GraphQLHandler,
  request: FastifyRequest,
  reply: FastifyReply,
  prepared?: PreparedQueries,
): Promise<CompleteAnswer | undefined> {
  const params = jsonObjectBody(request);
  if (!params) return undefined;
  let earlier: EarlierRun = {};
  if (prepared) {
    const run = await prepared.execute(params, { req: request, reply }, { get: (name) => request.headers[name] });
    if (run && 'answer' in run) return answerOf(run.answer);
    if (run) earlier = run.handBack;
  }
  const fetchRequest = new yoga.fetchAPI.Request(`${request.protocol}://${request.host}${request.raw.url}`, {
    method: 'POST',
    headers: request.raw.headers as Record<string, string>,
  });
  let result;
  try {
    result = await yoga.getResultForParams({ params, request: fetchRequest }, { req: request, reply, ...earlier });
  } catch {
    return undefined;
  }
  if (!result) return undefined;
  return answerOf(result as ExecutionResult);
}
