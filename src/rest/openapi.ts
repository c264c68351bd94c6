/**
 * GET /openapi.json: an OpenAPI 3.1 description of the REST adapter, assembled from the schemas the
 * code runs on — the portal input schema that validates every write, the resource and problem schemas
 * the responses are typed by, and the list parameters' rules — never written by hand beside them.
 */
import { portalIdSchema } from '../portals/fields.ts';
import { portalInputSchema } from '../portals/model.ts';
import { MAX_BODY_BYTES } from '../http/body-limit.ts';
import { LIST_LIMIT } from './list-params.ts';
import { jsonSchemaOf, type JsonSchema } from './json-schema.ts';
import { problemSchema } from '../http/problem.ts';
import { portalResourceSchema, publicPortalSchema, READ_ONLY_RESOURCE_FIELDS } from './resource.ts';
import { historyEntrySchema } from './history-resource.ts';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: JsonSchema) => ({ 'application/json': { schema } });
const problemJson = { 'application/problem+json': { schema: ref('Problem') } };

const problems = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [String(status), { $ref: `#/components/responses/Problem${status}` }]));

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed JSON or a bad query parameter (invalidFields names it).',
  401: 'Missing or unknown API key.',
  403: "The organization in the path is not the API key's.",
  404: "No such billing portal, or (history) none and no history of one (another organization's looks the same).",
  409: 'The first request with this Idempotency-Key is still running; retry after Retry-After seconds.',
  412: 'A precondition (If-Match, If-None-Match) does not hold; nothing changed. ETag is the current one, if any.',
  413: `The body is larger than ${MAX_BODY_BYTES} bytes.`,
  415: 'The body is not application/json.',
  422:
    'The body is not a valid billing portal (invalidFields names every problem), its slug is taken, the ' +
    'Idempotency-Key was used for a different request, or DNS does not prove a custom domain (customDomain says why).',
  429: 'The organization has used its writes for this minute.',
  503: 'The database, or (verifying a custom domain) DNS, did not answer; nothing changed. Retry shortly.',
};

const rateLimitHeaders = {
  'X-RateLimit-Limit': { description: 'Writes per organization per minute.', schema: { type: 'integer' } },
  'X-RateLimit-Remaining': { description: 'Writes left in this window.', schema: { type: 'integer' } },
  'X-RateLimit-Retry-After': { description: 'UTC epoch second when the window resets.', schema: { type: 'integer' } },
};

const location = {
  Location: { description: 'Absolute URL of the portal.', schema: { type: 'string', format: 'uri' } },
};
const etag = {
  ETag: { description: "The portal's revision, quoted: a strong entity tag.", schema: { type: 'string' } },
};

const ifMatch = {
  name: 'If-Match',
  in: 'header',
  description: 'Write only if the portal is at this ETag (one strong entity tag), or exists at all (*); else 412.',
  schema: { type: 'string' },
};
const ifNoneMatchWrite = {
  name: 'If-None-Match',
  in: 'header',
  description: 'Only *: create the portal, never replace one (412 if it exists).',
  schema: { type: 'string', const: '*' },
};
const ifNoneMatchRead = {
  name: 'If-None-Match',
  in: 'header',
  description: 'ETags the caller has (weak comparison), or *: 304 without a body when the current one is among them.',
  schema: { type: 'string' },
};
const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  description:
    'Names the request so that a retry (within 24 hours, on any instance) answers the portal the first one created ' +
    'instead of creating another; another body under the same key is 422, a key whose first request still runs 409.',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e](?:[\\x20-\\x7e]*[\\x21-\\x7e])?$' },
};
const notModified = { description: 'Not modified: the ETag named in If-None-Match is current.', headers: etag };

/**
 * The body a PUT or POST takes: the input schema, plus the read-only fields of the resource, which
 * may be sent back as they were read and are ignored.
 */
function requestBodySchema(): JsonSchema {
  const input = jsonSchemaOf(portalInputSchema, 'input') as JsonSchema & { properties: Record<string, JsonSchema> };
  const resource = jsonSchemaOf(portalResourceSchema, 'output') as { properties: Record<string, JsonSchema> };
  for (const field of READ_ONLY_RESOURCE_FIELDS)
    input.properties[field] = { ...resource.properties[field], readOnly: true };
  return input;
}

export function buildOpenApiDocument(): JsonSchema {
  const requestBody = {
    required: true,
    description:
      'A whole billing portal. Read-only fields (id, customDomainVerification, createdTime, updatedTime, revision, ' +
      '_links) may be sent and are ignored; ' +
      'any other field the resource does not have is a 422.',
    content: json(ref('BillingPortalInput')),
  };
  const itemParameters = [{ name: 'id', in: 'path', required: true, schema: jsonSchemaOf(portalIdSchema, 'input') }];
  const itemOperations = {
    get: {
      operationId: 'getBillingPortal',
      summary: 'Read a billing portal',
      parameters: [...itemParameters, ifNoneMatchRead],
      responses: {
        '200': { description: 'The portal.', headers: etag, content: json(ref('BillingPortal')) },
        '304': notModified,
        ...problems(401, 403, 404, 503),
      },
    },
    put: {
      operationId: 'putBillingPortal',
      summary: 'Create or fully replace a billing portal with a specified id',
      description: 'Omitted optional fields return to their defaults; createdTime survives an update.',
      parameters: [...itemParameters, ifMatch, ifNoneMatchWrite],
      requestBody,
      responses: {
        '200': {
          description: 'Replaced.',
          headers: { ...etag, ...rateLimitHeaders },
          content: json(ref('BillingPortal')),
        },
        '201': {
          description: 'Created.',
          headers: { ...location, ...etag, ...rateLimitHeaders },
          content: json(ref('BillingPortal')),
        },
        ...problems(400, 401, 403, 412, 413, 415, 422, 429, 503),
      },
    },
    delete: {
      operationId: 'deleteBillingPortal',
      summary: 'Delete a billing portal',
      parameters: [...itemParameters, ifMatch],
      responses: {
        '204': { description: 'Deleted.', headers: rateLimitHeaders },
        ...problems(400, 401, 403, 404, 412, 429, 503),
      },
    },
  };
  const collectionOperations = {
    get: {
      operationId: 'listBillingPortals',
      summary: 'List billing portals',
      parameters: [
        {
          name: 'limit',
          in: 'query',
          schema: { type: 'integer', minimum: 0, maximum: LIST_LIMIT.max, default: LIST_LIMIT.default },
        },
        { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
        {
          name: 'sort',
          in: 'query',
          description: 'createdTime or updatedTime, comma-separated, "-" for descending; ties broken by id.',
          schema: { type: 'string', default: '-createdTime' },
        },
        {
          name: 'filter',
          in: 'query',
          description:
            'field:value, ";" = AND, "," = OR of values, "!" negates; websiteId, slug, status, customDomain (exact, ' +
            'case-insensitive), createdTime and updatedTime (an instant or a range a..b, a.., ..b).',
          schema: { type: 'string' },
        },
        {
          name: 'q',
          in: 'query',
          description: 'Case-insensitive partial match on name, slug and customDomain.',
          schema: { type: 'string' },
        },
      ],
      responses: {
        '200': {
          description: 'A page of portals.',
          headers: {
            'Pagination-Total': { description: 'How many portals match.', schema: { type: 'integer' } },
            'Pagination-Limit': { description: 'The limit applied.', schema: { type: 'integer' } },
            'Pagination-Offset': { description: 'The offset applied.', schema: { type: 'integer' } },
          },
          content: json({ type: 'array', items: ref('BillingPortal') }),
        },
        ...problems(400, 401, 403, 503),
      },
    },
    post: {
      operationId: 'createBillingPortal',
      summary: 'Create a billing portal under a server-made id',
      parameters: [idempotencyKey],
      requestBody,
      responses: {
        '201': {
          description:
            'Created; or, with an Idempotency-Key this request already used, the first answer again, with the ' +
            'header Idempotent-Replayed: true.',
          headers: { ...location, ...etag, ...rateLimitHeaders },
          content: json(ref('BillingPortal')),
        },
        ...problems(400, 401, 403, 409, 413, 415, 422, 429, 503),
      },
    },
  };
  const verificationOperations = {
    post: {
      operationId: 'verifyBillingPortalDomain',
      summary: "Verify a portal's custom domain by DNS",
      description:
        'Looks up the TXT record named in customDomainVerification.recordName and, when one of its values is ' +
        'recordValue, marks the domain verified for your organization: the storefront serves it from then on. ' +
        'Only one organization can have a domain verified. Not proven: 422, recorded as failed with ' +
        'failureReason. DNS not answering: 503, nothing changed. Already verified: 200 at once, without a ' +
        'lookup. No request body.',
      parameters: itemParameters,
      responses: {
        '200': {
          description: 'Verified: the portal, its customDomainVerification.status "verified".',
          headers: { ...etag, ...rateLimitHeaders },
          content: json(ref('BillingPortal')),
        },
        ...problems(401, 403, 404, 422, 429, 503),
      },
    },
  };
  const pagination = {
    'Pagination-Total': { description: 'How many items there are.', schema: { type: 'integer' } },
    'Pagination-Limit': { description: 'The limit applied.', schema: { type: 'integer' } },
    'Pagination-Offset': { description: 'The offset applied.', schema: { type: 'integer' } },
  };
  const historyOperations = {
    get: {
      operationId: 'getBillingPortalHistory',
      summary: "A billing portal's change history",
      description:
        'One entry per write (create, update, delete, custom-domain check), newest first: who, when, and every field ' +
        'that changed with its value before and after. Still answers after the portal is deleted, until the entries ' +
        'expire (HISTORY_RETENTION_DAYS).',
      parameters: [
        ...itemParameters,
        {
          name: 'limit',
          in: 'query',
          schema: { type: 'integer', minimum: 0, maximum: LIST_LIMIT.max, default: LIST_LIMIT.default },
        },
        { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
      ],
      responses: {
        '200': {
          description: 'A page of history entries, newest first.',
          headers: pagination,
          content: json({ type: 'array', items: ref('BillingPortalHistoryEntry') }),
        },
        ...problems(400, 401, 403, 404, 503),
      },
    },
  };
  const organizationParameter = { name: 'organizationId', in: 'path', required: true, schema: { type: 'string' } };
  const withOrganization = (operations: Record<string, { operationId: string; parameters?: unknown[] }>) =>
    Object.fromEntries(
      Object.entries(operations).map(([method, operation]) => [
        method,
        {
          ...operation,
          operationId: `${operation.operationId}InOrganization`,
          parameters: [organizationParameter, ...(operation.parameters ?? [])],
        },
      ]),
    );
  const storefront = (withOrganizationPath: boolean) => ({
    get: {
      operationId: withOrganizationPath ? 'getStorefrontPortalInOrganization' : 'getStorefrontPortalOnCustomDomain',
      summary: withOrganizationPath
        ? 'The public view of an active portal'
        : 'The public view of an active portal on the custom domain named by the Host header',
      security: [],
      parameters: [
        ...(withOrganizationPath ? [organizationParameter] : []),
        { name: 'slug', in: 'path', required: true, schema: { type: 'string' } },
        ifNoneMatchRead,
      ],
      responses: {
        '200': {
          description: 'The public view. Cache-Control: no-cache: a cache may keep it but must revalidate it (ETag).',
          headers: etag,
          content: json(ref('PublicBillingPortal')),
        },
        '304': notModified,
        '404': { $ref: '#/components/responses/Problem404' },
      },
    },
  });

  return {
    openapi: '3.1.0',
    info: {
      title: 'Billing portals',
      version: '1.0.0',
      description:
        'Billing-portal configurations. The same operations are available over GraphQL at /graphql; this REST adapter ' +
        'runs the same resolvers.',
    },
    security: [{ apiKey: [] }, { bearer: [] }],
    paths: {
      '/billing-portals': collectionOperations,
      '/billing-portals/{id}': itemOperations,
      '/organizations/{organizationId}/billing-portals': withOrganization(collectionOperations),
      '/organizations/{organizationId}/billing-portals/{id}': withOrganization(itemOperations),
      '/billing-portals/{id}/custom-domain/verification': verificationOperations,
      '/organizations/{organizationId}/billing-portals/{id}/custom-domain/verification':
        withOrganization(verificationOperations),
      '/billing-portals/{id}/history': historyOperations,
      '/organizations/{organizationId}/billing-portals/{id}/history': withOrganization(historyOperations),
      '/storefront/billing-portals/{slug}': storefront(false),
      '/organizations/{organizationId}/storefront/billing-portals/{slug}': storefront(true),
    },
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'REB-APIKEY' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
      schemas: {
        BillingPortalInput: requestBodySchema(),
        BillingPortal: jsonSchemaOf(portalResourceSchema, 'output'),
        PublicBillingPortal: jsonSchemaOf(publicPortalSchema, 'output'),
        BillingPortalHistoryEntry: jsonSchemaOf(historyEntrySchema, 'output'),
        Problem: jsonSchemaOf(problemSchema, 'output'),
      },
      responses: Object.fromEntries(
        Object.entries(PROBLEM_DESCRIPTIONS).map(([status, description]) => [
          `Problem${status}`,
          {
            description,
            content: problemJson,
            ...(status === '429' ? { headers: rateLimitHeaders } : {}),
          },
        ]),
      ),
    },
  };
}
