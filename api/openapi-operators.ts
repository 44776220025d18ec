import { z } from 'zod';
import type { OpenApiDocument, OpenApiOperation, OpenApiResponse } from './openapi.js';
import { limitsResponseSchema } from './routes/limits.js';

type Paths = OpenApiDocument['paths'];
type JsonSchema = z.core.JSONSchema.BaseSchema;

// Kept apart from api/openapi.ts: the operator routes (rate limit, limits, metrics) and their schemas live here.
const errorContent = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };
const error = (description: string): OpenApiResponse => ({ description, content: errorContent });

function jsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output' });
  return json;
}

/** The 429 a job-creating POST answers once the tenant's `jobsPerMinute` is used up. */
export const rateLimited: OpenApiResponse = {
  ...error('Too many jobs: `details` holds `limit` (jobs per minute) and `retryAfter` (seconds).'),
  headers: {
    'Retry-After': { description: 'Seconds until the next job can be created.', schema: { type: 'string' } },
  },
};

const getLimits: OpenApiOperation = {
  operationId: 'getLimits',
  summary: 'The caller’s limits, and the jobs it may still create this minute',
  security: [{ apiKey: [] }],
  responses: {
    200: { description: 'The limits.', content: { 'application/json': { schema: jsonSchema(limitsResponseSchema) } } },
    401: error('No valid API key: `Authorization: Bearer <key>`.'),
    500: error('Internal server error.'),
  },
};

const getMetrics: OpenApiOperation = {
  operationId: 'getMetrics',
  summary: 'Prometheus metrics (no API key: do not expose publicly)',
  responses: {
    200: {
      description: 'Metrics in the Prometheus text format.',
      content: { 'text/plain; version=0.0.4': { schema: { type: 'string' } } },
    },
    500: error('Internal server error (Redis did not answer).'),
  },
};

/** The operator routes: GET /v1/limits and GET /metrics. Bull Board (/admin/queues) is deliberately left out. */
export const operatorPaths: Paths = {
  '/v1/limits': { get: getLimits },
  '/metrics': { get: getMetrics },
};

/** `paths` plus the operator routes, and the rate limit's 429 on the job-creating POSTs. */
export function withOperatorPaths(paths: Paths): Paths {
  const out: Paths = { ...paths, ...operatorPaths };
  for (const path of ['/v1/zips', '/v1/ingests']) {
    const post = out[path]?.post;
    if (post) out[path] = { ...out[path], post: { ...post, responses: { ...post.responses, 429: rateLimited } } };
  }
  return out;
}
