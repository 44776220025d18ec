import { z } from 'zod';
import type { JobDocument } from './job-document.js';
import { ingestJobResultSchema, zipJobResultSchema, type JobType } from './jobs.js';
import type { MediaRecord } from './storage/media-index.js';

/*
 * Response bodies of the HTTP API as zod schemas, for the OpenAPI document (api/openapi.ts). The request
 * schemas and the job results live in jobs.ts and are reused here, not repeated.
 */

const isoDateTime = z.iso.datetime();

export const jobTypeSchema = z.enum(['zip', 'ingest']);
export const jobStateSchema = z.enum(['queued', 'active', 'completed', 'failed', 'cancelled']);

const count = z.number().int().nonnegative();

export const jobProgressSchema = z.object({
  filesTotal: count,
  filesDone: count,
  filesFailed: count,
  bytesDownloaded: count,
});

/** A finished zip as GET /v1/jobs/:id shows it: the stored result plus a freshly presigned link. */
export const zipResultViewSchema = zipJobResultSchema.extend({
  expiresAt: isoDateTime,
  downloadUrl: z.string().optional().meta({
    description: 'Presigned GET of the archive, minted on every read; absent once the archive has expired.',
  }),
});

export const jobErrorSchema = z.object({ code: z.string(), message: z.string() });

/** GET /v1/jobs/:id; the same shape as the `JobDocument` interface in job-document.ts (checked below). */
export const jobDocumentSchema = z.object({
  id: z.string(),
  type: jobTypeSchema,
  state: jobStateSchema,
  createdAt: isoDateTime,
  startedAt: isoDateTime.optional(),
  finishedAt: isoDateTime.optional(),
  attempts: count,
  progress: jobProgressSchema,
  result: z
    .union([zipResultViewSchema, ingestJobResultSchema])
    .optional()
    .meta({ description: 'Once completed: the archive for a zip job, one item per input URL for an ingest job.' }),
  error: jobErrorSchema.optional().meta({ description: 'Once failed: why.' }),
  webhook: z
    .object({
      url: z.string(),
      state: z.enum(['pending', 'delivered', 'failed']),
      attempts: count,
      lastStatus: z.number().int().optional().meta({ description: 'HTTP status of the last attempt, if it got one.' }),
    })
    .optional()
    .meta({ description: 'Only for a job created with a webhook: where its delivery stands.' }),
});

/** The 202 body of every job-creating route. */
export const acceptedJobSchema = z.object({
  id: z.string(),
  type: jobTypeSchema,
  state: z.literal('queued'),
  statusUrl: z.string().meta({ description: 'Where to poll the job; also sent as the Location header.' }),
});

/** The 202 body of DELETE /v1/jobs/:id. */
export const cancelledJobSchema = z.object({ id: z.string(), type: jobTypeSchema, state: z.literal('cancelled') });

/** GET /v1/media: the caller's index record for one URL. */
export const mediaRecordSchema = z.object({
  url: z.string(),
  key: z.string(),
  size: count,
  contentType: z.string(),
  sha256: z.string(),
  etag: z.string(),
  jobId: z.string().meta({ description: 'The job that stored the object.' }),
  createdAt: isoDateTime,
  publicUrl: z.string(),
});

/** Every 4xx/5xx body, built in one place (api/middleware/error-handler.ts). */
export const apiErrorSchema = z.object({
  error: z.object({
    code: z.string().meta({ description: 'Stable, machine-readable: invalid_request, unauthorized, not_found...' }),
    message: z.string(),
    details: z.unknown().optional().meta({
      description: 'On 400: `[{field, message}]`, one per offending field (`urls[0]`, `options.refresh`...).',
    }),
  }),
});

export const healthSchema = z.object({ status: z.literal('ok') });

export const readinessCheckSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true) }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);

/** GET /readyz: 200 when every dependency answers, 503 otherwise. */
export const readinessSchema = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.record(z.string(), readinessCheckSchema).meta({ description: 'One entry per dependency probed.' }),
});

// The API builds these bodies from TypeScript types; these fail to compile when a type and its schema part ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _jobDocument: Same<z.output<typeof jobDocumentSchema>, JobDocument> = true;
const _mediaRecord: Same<z.output<typeof mediaRecordSchema>, Omit<MediaRecord, 'pk'> & { publicUrl: string }> = true;
const _jobType: Same<z.output<typeof jobTypeSchema>, JobType> = true;
