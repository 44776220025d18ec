import { z } from 'zod';
import { mediaKey } from '../url-normalize.js';
import { baseJobDataSchema, httpUrlSchema, jobLimitsSchema, longestArray, webhookRequestSchema } from './common.js';
import { defineJobKind } from './job-kind.js';
import { workerLimits } from './worker-limits.js';

/** POST /v1/ingests body. */
export const createIngestRequestSchema = z.strictObject({
  urls: z.array(httpUrlSchema).min(1, 'must not be empty'),
  webhook: webhookRequestSchema.optional(),
  options: z
    .strictObject({
      /** Fetch again and replace the index record even when the URL was ingested before. */
      refresh: z.boolean().default(false),
    })
    .optional(),
});
export type CreateIngestRequest = z.infer<typeof createIngestRequestSchema>;

/** What the `ingest` queue carries. */
export const ingestJobDataSchema = baseJobDataSchema.extend({
  /** As sent, in input order, duplicates included (each gets its own item in the result). */
  urls: z.array(z.string()).min(1),
  options: z.object({ refresh: z.boolean() }),
  limits: jobLimitsSchema,
});
export type IngestJobData = z.infer<typeof ingestJobDataSchema>;

export const ingestItemSchema = z.object({
  url: z.string(),
  status: z.enum(['stored', 'existing', 'failed']),
  key: z.string().optional(),
  publicUrl: z.string().optional(),
  size: z.number().optional(),
  contentType: z.string().optional(),
  sha256: z.string().optional(),
  etag: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type IngestItem = z.infer<typeof ingestItemSchema>;

/** One item per input URL, in input order. */
export const ingestJobResultSchema = z.object({ items: z.array(ingestItemSchema) });
export type IngestJobResult = z.infer<typeof ingestJobResultSchema>;

/** Ingest jobs: copy each URL's file into the media bucket once, indexed in DynamoDB. */
export const ingestJob = defineJobKind({
  type: 'ingest',
  idPrefix: 'ing',
  path: '/v1/ingests',
  docs: {
    operationId: 'createIngest',
    summary: 'Queue an ingest of the given URLs',
    requestName: 'IngestRequest',
    resultName: 'IngestResult',
  },
  request: createIngestRequestSchema,
  data: ingestJobDataSchema,
  result: ingestJobResultSchema,
  files: (body) => longestArray(body, ['urls']),
  toData: (body, { tenant }) => ({
    tenant: tenant.id,
    urls: body.urls,
    options: { refresh: body.options?.refresh ?? false },
    limits: workerLimits(tenant),
    webhook: body.webhook,
  }),
  // Duplicates (after URL normalisation) are fetched once and count once.
  filesTotal: (data) => new Set(data.urls.map((u) => mediaKey(data.tenant, u))).size,
});
