/**
 * The REST adapter: HTTP ↔ the same use cases as GraphQL. PUT runs the `upsertBillingPortal` operation
 * against the schema; the other routes call the very service functions the resolvers call.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import type { ApiKeys } from '../auth/credentials.ts';
import { ValidationError } from '../portals/errors.ts';
import { idempotencyKeyProblem } from '../portals/idempotency.ts';
import { parsePortalWrite } from '../portals/model.ts';
import type { PortalService } from '../portals/service.ts';
import { RATE_LIMITED_DETAIL, rateLimitHeaders, type WriteBudget } from '../limits/write-budget.ts';
import { authenticator } from './authenticate.ts';
import { refuseOtherMethods } from '../http/method-not-allowed.ts';
import { parseListParameters } from './list-params.ts';
import { prepareUpsertOperation } from './portal-operation.ts';
import { problem, sendProblem } from '../http/problem.ts';
import { sendDomainProblem } from './domain-problems.ts';
import { etagOf, notModified, writeCondition } from './preconditions.ts';
import { forSerialization, jsonSchemaOf } from './json-schema.ts';
import type { Tracing } from '../observability/tracing.ts';
import { portalResourceSchema, READ_ONLY_RESOURCE_FIELDS, toResource } from './resource.ts';
import { historyEntrySchema, parseHistoryParameters, toHistoryResource } from './history-resource.ts';

export interface RestOptions {
  schema: GraphQLSchema;
  portals: PortalService;
  apiKeys: ApiKeys;
  writeBudget: WriteBudget;
  tracing?: Tracing;
}

const BASES = ['/billing-portals', '/organizations/:organizationId/billing-portals'] as const;

// Fastify serializes successful bodies with these (fast-json-stringify), and drops any field the
// resource does not have.
export const RESOURCE_JSON_SCHEMA = forSerialization(jsonSchemaOf(portalResourceSchema, 'output'));
const ITEM_RESPONSE = { 200: RESOURCE_JSON_SCHEMA, 201: RESOURCE_JSON_SCHEMA };
const LIST_RESPONSE = { 200: { type: 'array', items: RESOURCE_JSON_SCHEMA } };
export const HISTORY_ENTRY_JSON_SCHEMA = forSerialization(jsonSchemaOf(historyEntrySchema, 'output'));
const HISTORY_RESPONSE = { 200: { type: 'array', items: HISTORY_ENTRY_JSON_SCHEMA } };

type ItemRequest = FastifyRequest<{ Params: { id: string; organizationId?: string } }>;
type CollectionRequest = FastifyRequest<{ Params: { organizationId?: string }; Querystring: Record<string, unknown> }>;

/** The body as the resource's writable fields: read-only fields are dropped, not refused. */
function writableFields(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const fields: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const field of READ_ONLY_RESOURCE_FIELDS) delete fields[field];
  return fields;
}

function collectionPath(request: FastifyRequest): string {
  const { organizationId } = request.params as { organizationId?: string };
  return organizationId === undefined
    ? '/billing-portals'
    : `/organizations/${encodeURIComponent(organizationId)}/billing-portals`;
}

function selfHref(request: FastifyRequest, id: string): string {
  return `${request.protocol}://${request.host}${collectionPath(request)}/${encodeURIComponent(id)}`;
}

export async function restRoutes(app: FastifyInstance, options: RestOptions): Promise<void> {
  const { portals } = options;
  const upsert = prepareUpsertOperation(options.schema, options.tracing);
  const authenticate = authenticator(options.apiKeys);
  // Request bodies are JSON; Fastify would otherwise hand a text/plain body to the handlers as a string.
  app.removeContentTypeParser('text/plain');

  /** A body without a Content-Type is not JSON either: 415, like any other type. */
  async function requireJsonBody(request: FastifyRequest, reply: FastifyReply) {
    if (request.headers['content-type'] === undefined) {
      return sendProblem(reply, problem(415, 'The request body must be application/json.'));
    }
  }

  /** Writes spend the organization's budget, shared with GraphQL mutations; over it → 429. */
  async function spendWrite(request: FastifyRequest, reply: FastifyReply) {
    const decision = await options.writeBudget.spend(request.organizationId);
    if (!decision) return;
    reply.headers(rateLimitHeaders(decision));
    if (!decision.allowed) return sendProblem(reply, problem(429, RATE_LIMITED_DETAIL));
  }

  /** 422 naming every field that keeps the body from being a portal; nothing has been written. */
  function explainRejectedBody(reply: FastifyReply, id: string, input: unknown, graphQLMessage?: string) {
    try {
      parsePortalWrite(id, input);
    } catch (error) {
      if (error instanceof ValidationError) return sendProblem(reply, problem(422, error.message, error.invalidFields));
      throw error;
    }
    throw new Error(`PUT body refused by GraphQL but accepted by validation: ${graphQLMessage}`);
  }

  async function put(request: ItemRequest, reply: FastifyReply) {
    const { id } = request.params;
    const preconditions = writeCondition(request.headers, 'PUT');
    if ('problem' in preconditions) return sendProblem(reply, preconditions.problem);
    const input = writableFields(request.body);
    const context = { organizationId: request.organizationId, apiKeyName: request.apiKeyName, portals };
    const answer = await upsert.run(id, input, preconditions.condition, context);
    if (answer.kind === 'unfit') return explainRejectedBody(reply, id, input, answer.reason);
    if (answer.kind === 'invalid') return sendProblem(reply, problem(422, answer.message, answer.invalidFields));
    if (answer.kind === 'conflict') return sendDomainProblem(reply, answer.error);
    const href = selfHref(request, answer.portal.id);
    if (answer.created) reply.status(201).header('Location', href);
    return reply.header('ETag', etagOf(answer.portal.revision)).send(toResource(answer.portal, href));
  }

  async function post(request: CollectionRequest, reply: FastifyReply) {
    const idempotencyKey = request.headers['idempotency-key'];
    if (Array.isArray(idempotencyKey)) {
      return sendProblem(
        reply,
        problem(400, 'Send one Idempotency-Key header.', [{ field: 'Idempotency-Key', message: 'must be sent once' }]),
      );
    }
    const keyProblem = idempotencyKey === undefined ? undefined : idempotencyKeyProblem(idempotencyKey);
    if (keyProblem) {
      const invalid = [{ field: 'Idempotency-Key', message: keyProblem }];
      return sendProblem(reply, problem(400, `The Idempotency-Key header ${keyProblem}.`, invalid));
    }
    const { portal, replayed } = await portals.create(
      request.organizationId,
      writableFields(request.body),
      idempotencyKey,
      request.apiKeyName,
    );
    if (replayed) reply.header('Idempotent-Replayed', 'true');
    const href = selfHref(request, portal.id);
    reply.status(201).header('Location', href).header('ETag', etagOf(portal.revision));
    return reply.send(toResource(portal, href));
  }

  async function getOne(request: ItemRequest, reply: FastifyReply) {
    const portal = await portals.get(request.organizationId, request.params.id);
    if (!portal) return sendProblem(reply, problem(404, `Billing portal "${request.params.id}" was not found.`));
    reply.header('ETag', etagOf(portal.revision));
    if (notModified(request.headers, portal.revision)) return reply.status(304).send();
    return reply.send(toResource(portal, selfHref(request, portal.id)));
  }

  async function remove(request: ItemRequest, reply: FastifyReply) {
    const preconditions = writeCondition(request.headers, 'DELETE');
    if ('problem' in preconditions) return sendProblem(reply, preconditions.problem);
    await portals.delete(request.organizationId, request.params.id, preconditions.condition, request.apiKeyName);
    return reply.status(204).send();
  }

  /** Checks the portal's custom domain by DNS; its body, if any, is not read. */
  async function verifyDomain(request: ItemRequest, reply: FastifyReply) {
    const portal = await portals.verifyCustomDomain(request.organizationId, request.params.id, request.apiKeyName);
    reply.header('ETag', etagOf(portal.revision));
    return reply.send(toResource(portal, selfHref(request, portal.id)));
  }

  async function list(request: CollectionRequest, reply: FastifyReply) {
    const parsed = parseListParameters(request.query);
    if (!parsed.ok) {
      return sendProblem(reply, problem(400, 'One or more query parameters are invalid.', parsed.invalidFields));
    }
    const { query, offset, limit } = parsed.value;
    const page = await portals.listByOffset(request.organizationId, query, offset, limit);
    return reply
      .header('Pagination-Total', page.total)
      .header('Pagination-Limit', limit)
      .header('Pagination-Offset', offset)
      .send(page.portals.map((portal) => toResource(portal, selfHref(request, portal.id))));
  }

  /** The portal's change history, newest first; still there after the portal is deleted. */
  async function history(request: ItemRequest, reply: FastifyReply) {
    const parsed = parseHistoryParameters(request.query as Record<string, unknown>);
    if (!parsed.ok) {
      return sendProblem(reply, problem(400, 'One or more query parameters are invalid.', parsed.invalidFields));
    }
    const { id } = request.params;
    const page = await portals.historyPage(request.organizationId, id, parsed.offset, parsed.limit);
    if (!page) return sendProblem(reply, problem(404, `Billing portal "${id}" has no history.`));
    return reply
      .header('Pagination-Total', page.total)
      .header('Pagination-Limit', parsed.limit)
      .header('Pagination-Offset', parsed.offset)
      .send(page.entries.map(toHistoryResource));
  }

  const resources = BASES.flatMap((base) => [
    { url: base, handlers: { GET: list, POST: post } },
    { url: `${base}/:id`, handlers: { GET: getOne, PUT: put, DELETE: remove } },
  ]);
  for (const { url, handlers } of resources) {
    for (const [method, handler] of Object.entries(handlers)) {
      const preHandler = { GET: [], DELETE: [spendWrite] }[method] ?? [requireJsonBody, spendWrite];
      const schema = { response: handler === list ? LIST_RESPONSE : ITEM_RESPONSE };
      // The key is checked before the body is read: a caller without one costs no parsing.
      const route = { url, onRequest: authenticate, preHandler, schema, handler: handler as never };
      app.route({ method: method as HTTPMethods, ...route });
    }
    refuseOtherMethods(app, url, Object.keys(handlers) as HTTPMethods[]);
  }
  for (const base of BASES) {
    const url = `${base}/:id/custom-domain/verification`;
    const schema = { response: ITEM_RESPONSE };
    const route = { url, onRequest: authenticate, preHandler: [spendWrite], schema, handler: verifyDomain as never };
    app.route({ method: 'POST', ...route });
    refuseOtherMethods(app, url, ['POST']);
  }
  for (const base of BASES) {
    const url = `${base}/:id/history`;
    const schema = { response: HISTORY_RESPONSE };
    app.route({ method: 'GET', url, preHandler: [authenticate], schema, handler: history as never });
    refuseOtherMethods(app, url, ['GET']);
  }
}
