import { z } from 'zod';
import type { JobKind } from '../../shared/jobs/job-kind.js';
import type { JobDataOf, JobType } from '../../shared/jobs/registry.js';
import { checkFileCount, checkWebhook } from '../jobs/check-job-request.js';
import { enqueueJob } from '../jobs/enqueue-job.js';
import { tenantOf } from '../middleware/auth.js';
import { rateLimitJobs } from '../middleware/rate-limit.js';
import { parseBody, requireObject } from '../middleware/validate.js';
import { error, ERRORS, json } from '../openapi/common.js';
import { defineRoute, type Route } from '../route.js';
import { acceptedJobSchema } from '../schemas.js';

const accepted = (description: string) => ({
  ...json(description, acceptedJobSchema),
  headers: z.object({ Location: z.string().meta({ description: 'The job’s URL, the same as `statusUrl`.' }) }),
});

/** POST <kind.path>: validates the body with the kind's schema, queues the job and answers 202 at once. */
export function createJobRoute(kind: JobKind): Route {
  return defineRoute({
    method: 'post',
    path: kind.path,
    handlers: ({ config, queues, redis, idempotency, limiter, metrics, logger }) => [
      rateLimitJobs(limiter, (err) => logger.warn({ err }, 'rate limit: giving a slot back failed')),
      async (req, res) => {
        const tenant = tenantOf(req);
        const raw = requireObject(req.body);
        checkFileCount(tenant, kind.files(raw));
        const body = parseBody(kind.request, raw) as { webhook?: { url: string } };
        checkWebhook(config, tenant, body.webhook);
        const data = kind.data.parse(await kind.toData(body, { tenant, config })) as JobDataOf<JobType>;
        res.on('finish', () => {
          if (res.statusCode === 202) metrics.jobsCreated.inc({ type: kind.type });
        });
        await enqueueJob({
          req,
          res,
          queues,
          idempotency,
          type: kind.type as JobType,
          tenant: tenant.id,
          data,
          idempotencyBody: kind.idempotencyBody?.(raw) ?? raw,
          replicas: {
            redis,
            count: config.REDIS_WAIT_REPLICAS,
            timeoutMs: config.REDIS_WAIT_TIMEOUT_MS,
            onShort: (acknowledged) =>
              logger.warn(
                { acknowledged, wanted: config.REDIS_WAIT_REPLICAS },
                'job accepted before its replicas had it',
              ),
          },
        });
      },
    ],
    docs: {
      operationId: kind.docs.operationId,
      summary: kind.docs.summary,
      requestParams: {
        header: z.object({
          'Idempotency-Key': z
            .string()
            .regex(/^[\x21-\x7e]{1,255}$/)
            .optional()
            .meta({
              description: 'The same key and body from the same tenant within 24 h return the first job (200).',
            }),
        }),
      },
      requestBody: { required: true, content: { 'application/json': { schema: kind.request } } },
      responses: {
        200: accepted('A replay of an earlier request with the same `Idempotency-Key`: its job.'),
        202: accepted('Queued; poll the job at `statusUrl`.'),
        400: error(
          'Invalid request (code `invalid_request`: `details` names the offending fields, at most 100 and then a ' +
            'count of the rest; an array over the tenant’s `maxFilesPerJob` is refused before its items are ' +
            'checked), a body that is not JSON ' +
            '(`invalid_json`), or a webhook for a tenant without a webhook secret (`webhook_not_configured`).',
        ),
        413: ERRORS[413],
        415: ERRORS[415],
        422: error('`Idempotency-Key` already used with a different body (code `idempotency_key_reused`).'),
        429: {
          ...error('Too many jobs: `details` holds `limit` (jobs per minute) and `retryAfter` (seconds).'),
          headers: z.object({
            'Retry-After': z.string().meta({ description: 'Seconds until the next job can be created.' }),
          }),
        },
      },
    },
  });
}
