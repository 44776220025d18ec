import { z } from 'zod';
import {
  acceptedJobSchema,
  cancelledJobSchema,
  apiErrorSchema,
  healthSchema,
  jobDocumentSchema,
  mediaRecordSchema,
  readinessSchema,
} from '../shared/api-schemas.js';
import {
  archiveFilenameSchema,
  createIngestRequestSchema,
  createZipRequestSchema,
  entryNameSchema,
  httpUrlSchema,
} from '../shared/jobs.js';
import { withOperatorPaths } from './openapi-operators.js';

type JsonSchema = z.core.JSONSchema.BaseSchema;

export interface OpenApiResponse {
  description: string;
  headers?: Record<string, { description: string; schema: JsonSchema }>;
  content?: Record<string, { schema: JsonSchema }>;
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: 'path' | 'query' | 'header'; required: boolean; description: string; schema: JsonSchema }[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, OpenApiResponse>;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  paths: Record<string, Partial<Record<'get' | 'post' | 'delete', OpenApiOperation>>>;
  components: {
    schemas: Record<SchemaName, JsonSchema>;
    securitySchemes: Record<string, { type: 'http'; scheme: 'bearer'; description: string }>;
  };
}

/** Component schemas: requests in their input form (defaults optional), responses in their output form. */
const SCHEMAS = {
  ZipRequest: [createZipRequestSchema, 'input'],
  IngestRequest: [createIngestRequestSchema, 'input'],
  JobAccepted: [acceptedJobSchema, 'output'],
  JobCancelled: [cancelledJobSchema, 'output'],
  Job: [jobDocumentSchema, 'output'],
  MediaRecord: [mediaRecordSchema, 'output'],
  Error: [apiErrorSchema, 'output'],
  Health: [healthSchema, 'output'],
  Readiness: [readinessSchema, 'output'],
} as const satisfies Record<string, readonly [z.ZodType, 'input' | 'output']>;
type SchemaName = keyof typeof SCHEMAS;

// Written by hand: these rules are zod refinements (and a trim), which toJSONSchema cannot convert. They say
// what JSON Schema can of each rule; the URL rule (parsed as a WHATWG URL) is left to the description.
const NO_CONTROL_CHARS = '^[^\\u0000-\\u001f\\u007f-\\u009f]*$';
const REFINEMENTS = new Map<z.core.$ZodType, JsonSchema>([
  [httpUrlSchema, { description: 'An absolute http or https URL without credentials.' }],
  [entryNameSchema, { description: 'The entry name inside the archive; folders with `/`.', pattern: NO_CONTROL_CHARS }],
  [
    archiveFilenameSchema,
    {
      description: 'The archive file name, without folders; `.zip` is added when missing.',
      pattern: '^[^\\u0000-\\u001f\\u007f-\\u009f/\\\\]*$',
      allOf: [{ pattern: '\\S' }],
      not: { enum: ['.', '..'] },
    },
  ],
  [createZipRequestSchema, { oneOf: [{ required: ['files'] }, { required: ['urls'] }] }],
]);

function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    override: ({ zodSchema, jsonSchema }) => Object.assign(jsonSchema, structuredClone(REFINEMENTS.get(zodSchema))),
  });
  // A `#/$defs/...` ref inside a component would resolve against the OpenAPI document's root, not the schema.
  if (json.$defs) throw new Error('OpenAPI component schemas must not carry $defs');
  return json;
}

const ref = (name: SchemaName): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const jsonContent = (name: SchemaName) => ({ 'application/json': { schema: ref(name) } });
const body = (name: SchemaName, description: string): OpenApiResponse => ({ description, content: jsonContent(name) });
const error = (description: string): OpenApiResponse => body('Error', description);

const ERRORS = {
  400: error('Invalid request: `details` names every offending field.'),
  401: error('No valid API key: `Authorization: Bearer <key>`.'),
  404: error('Not found, or not this tenant’s.'),
  413: error('The body is larger than the configured limit.'),
  415: error('The body’s Content-Encoding or charset is not supported.'),
  422: error('`Idempotency-Key` already used with a different body (code `idempotency_key_reused`).'),
  500: error('Internal server error.'),
};

const header = (description: string) => ({ description, schema: { type: 'string' } as const });

const accepted: OpenApiResponse = {
  ...body('JobAccepted', 'Queued; poll the job at `statusUrl`.'),
  headers: { Location: header('The job’s URL, the same as `statusUrl`.') },
};

const JOB_ID_PARAM = { name: 'id', in: 'path', required: true, description: 'The job id.', schema: { type: 'string' } } as const;

/** Every /v1 route takes the API key and can answer 401 and 500. */
function v1(op: OpenApiOperation): OpenApiOperation {
  return { ...op, security: [{ apiKey: [] }], responses: { ...op.responses, 401: ERRORS[401], 500: ERRORS[500] } };
}

function createJob(operationId: string, summary: string, request: SchemaName): OpenApiOperation {
  return v1({
    operationId,
    summary,
    parameters: [
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'The same key and body from the same tenant within 24 h return the first job (200).',
        schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' },
      },
    ],
    requestBody: { required: true, content: jsonContent(request) },
    responses: {
      200: { ...accepted, description: 'A replay of an earlier request with the same `Idempotency-Key`: its job.' },
      202: accepted,
      400: ERRORS[400],
      413: ERRORS[413],
      415: ERRORS[415],
      422: ERRORS[422],
    },
  });
}

function getJob(): OpenApiOperation {
  return v1({
    operationId: 'getJob',
    summary: 'A job as its tenant may see it',
    parameters: [JOB_ID_PARAM],
    responses: {
      200: {
        ...body('Job', 'The job.'),
        headers: { 'Cache-Control': header('`no-store`: the body can hold a presigned URL.') },
      },
      404: ERRORS[404],
    },
  });
}

function jobEvents(): OpenApiOperation {
  return v1({
    operationId: 'jobEvents',
    summary: 'Server-Sent Events: state and progress, then the final state; the stream then ends',
    parameters: [JOB_ID_PARAM],
    responses: {
      200: {
        description:
          '`event: state` `{state}`, `event: progress` (the progress object), then one `completed`, `failed` or ' +
          '`cancelled` event whose data is the job document.',
        content: { 'text/event-stream': { schema: { type: 'string' } } },
      },
      404: ERRORS[404],
    },
  });
}

function cancelJob(): OpenApiOperation {
  return v1({
    operationId: 'cancelJob',
    summary: 'Cancel a queued or running job',
    parameters: [JOB_ID_PARAM],
    responses: {
      202: body('JobCancelled', 'Cancelled: a queued job never runs; a running one stops its downloads and upload.'),
      404: ERRORS[404],
      409: error('The job has already finished (code `job_finished`).'),
    },
  });
}

function getMedia(): OpenApiOperation {
  return v1({
    operationId: 'getMedia',
    summary: 'The caller’s stored copy of one URL',
    parameters: [
      {
        name: 'url',
        in: 'query',
        required: true,
        description: 'The URL as ingested.',
        schema: toJsonSchema(httpUrlSchema, 'input'),
      },
    ],
    responses: {
      200: body('MediaRecord', 'The index record.'),
      400: ERRORS[400],
      404: error('This URL has not been ingested by this tenant.'),
    },
  });
}

const getHealth: OpenApiOperation = {
  operationId: 'getHealth',
  summary: 'Liveness: the process is up',
  responses: { 200: body('Health', 'Up.') },
};

const getReadiness: OpenApiOperation = {
  operationId: 'getReadiness',
  summary: 'Readiness: Redis, S3 and DynamoDB answer',
  responses: {
    200: body('Readiness', 'Every dependency answers.'),
    503: body('Readiness', 'A dependency does not answer.'),
  },
};

const getOpenApi: OpenApiOperation = {
  operationId: 'getOpenApi',
  summary: 'This document',
  responses: {
    200: { description: 'The OpenAPI 3.1 document.', content: { 'application/json': { schema: { type: 'object' } } } },
  },
};

function build(version: string): OpenApiDocument {
  return {
    openapi: '3.1.0',
    info: {
      title: 'ferry',
      version,
      description: 'Moves files from URLs into S3: zip archives behind expiring links, or deduplicated media ingests.',
    },
    paths: withOperatorPaths({
      '/v1/zips': { post: createJob('createZip', 'Queue a zip archive of the given URLs', 'ZipRequest') },
      '/v1/ingests': { post: createJob('createIngest', 'Queue an ingest of the given URLs', 'IngestRequest') },
      '/v1/jobs/{id}': { get: getJob(), delete: cancelJob() },
      '/v1/jobs/{id}/events': { get: jobEvents() },
      '/v1/media': { get: getMedia() },
      '/healthz': { get: getHealth },
      '/readyz': { get: getReadiness },
      '/openapi.json': { get: getOpenApi },
    }),
    components: {
      schemas: Object.fromEntries(
        Object.entries(SCHEMAS).map(([name, [schema, io]]) => [name, toJsonSchema(schema, io)]),
      ) as Record<SchemaName, JsonSchema>,
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key; it decides the tenant.' },
      },
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const built = new Map<string, OpenApiDocument>();

/**
 * The OpenAPI 3.1 document of every route, converted from the zod schemas the API validates with. Built once per
 * version (the conversion walks every schema) and frozen, since every caller shares it.
 */
export function buildOpenApiDocument(version: string): OpenApiDocument {
  let doc = built.get(version);
  if (!doc) {
    doc = deepFreeze(build(version));
    built.set(version, doc);
  }
  return doc;
}
