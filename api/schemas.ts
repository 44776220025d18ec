import { z } from 'zod';
import type { MediaRecord } from '../shared/storage/media-index.js';

/*
 * Bodies only the HTTP API answers with, as zod schemas for the OpenAPI document. Requests, job results and the
 * job document belong to the job contract (shared/jobs/) and are reused, not repeated. Each `meta({ id })` names
 * the schema's component in the document.
 */

const isoDateTime = z.iso.datetime();
const count = z.number().int().nonnegative();

// Part of the job contract (the typed client infers its types from them): defined in shared/jobs/.
export { acceptedJobSchema, cancelledJobSchema } from '../shared/jobs/job-replies.js';

/** GET /v1/media: the caller's index record for one URL. */
export const mediaRecordSchema = z
  .object({
    url: z.string(),
    key: z.string(),
    size: count,
    contentType: z.string(),
    sha256: z.string(),
    etag: z.string(),
    jobId: z.string().meta({ description: 'The job that stored the object.' }),
    createdAt: isoDateTime,
    publicUrl: z.string(),
  })
  .meta({ id: 'MediaRecord' });

/** Every 4xx/5xx body, built in one place (api/middleware/error-handler.ts). */
export const apiErrorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'Stable, machine-readable: invalid_request, unauthorized, not_found...' }),
      message: z.string(),
      details: z.unknown().optional().meta({
        description: 'On 400: `[{field, message}]`, one per offending field (`urls[0]`, `options.refresh`...).',
      }),
    }),
  })
  .meta({ id: 'Error' });

export const healthSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });

export const readinessCheckSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true) }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);

/** What /readyz says of Redis (shared/redis-readiness.ts). */
export const redisReadinessSchema = z
  .object({
    topology: z.enum(['standalone', 'cluster', 'sentinel']),
    clusterState: z.string().optional().describe('CLUSTER INFO cluster_state (cluster mode): not ready unless ok.'),
    primaryReachable: z.boolean().describe('Every primary answers as a primary: not ready otherwise.'),
    primaries: z.array(z.string()).describe('The primaries that answered, as host:port.'),
    maxmemoryPolicy: z.string().describe('Must be noeviction (BullMQ): a warning otherwise.'),
    appendonly: z.string().describe('Should be yes (AOF): a warning otherwise.'),
    warnings: z.array(z.string()),
  })
  .meta({ id: 'RedisReadiness' });

/** GET /readyz: 200 when every dependency answers, 503 otherwise. */
export const readinessSchema = z
  .object({
    status: z.enum(['ready', 'not_ready']),
    checks: z.record(z.string(), readinessCheckSchema).meta({ description: 'One entry per dependency probed.' }),
    redis: redisReadinessSchema.optional(),
  })
  .meta({ id: 'Readiness' });

/** The body of GET /v1/limits. */
export const limitsResponseSchema = z
  .strictObject({
    tenant: z.string().describe('The caller\u2019s tenant id.'),
    limits: z.strictObject({
      jobsPerMinute: z.int().positive().describe('Jobs (POST /v1/zips and /v1/ingests) per sliding minute.'),
      maxFilesPerJob: z.int().positive(),
      maxFileBytes: z.int().positive(),
      maxJobBytes: z.int().positive(),
      allowedTypes: z.array(z.string()).describe('Media types a fetched file may have (`image/*` style).'),
    }),
    rate: z.strictObject({
      windowSeconds: z.int().positive(),
      remaining: z.int().nonnegative().describe('Jobs the caller may still create in the current window.'),
    }),
  })
  .meta({ id: 'Limits' });
export type LimitsResponse = z.infer<typeof limitsResponseSchema>;

// The API builds this body from a TypeScript type; this fails to compile when the type and its schema part ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _mediaRecord: Same<z.output<typeof mediaRecordSchema>, Omit<MediaRecord, 'pk'> & { publicUrl: string }> = true;
