import { Router } from 'express';
import { createIngestRequestSchema, ingestJobDataSchema, type IngestJobData } from '../../shared/jobs.js';
import type { ApiDeps } from '../deps.js';
import { IdempotencyStore } from '../idempotency.js';
import { tenantOf } from '../middleware/auth.js';
import { parseBody } from '../middleware/validate.js';
import { enqueueJob } from './accepted-job.js';
import { checkJobRequest, workerLimits } from './job-request.js';

/** POST /v1/ingests: validates, queues an ingest job and answers 202 at once. */
export function ingestsRouter({ config, queues, redis }: ApiDeps): Router {
  const router = Router();
  const idempotency = new IdempotencyStore(redis, config.QUEUE_PREFIX);
  router.post('/v1/ingests', async (req, res) => {
    const tenant = tenantOf(req);
    const body = parseBody(createIngestRequestSchema, req.body);
    checkJobRequest(config, tenant, 'urls', body.urls.length, body.webhook);
    const data: IngestJobData = ingestJobDataSchema.parse({
      tenant: tenant.id,
      urls: body.urls,
      options: { refresh: body.options?.refresh ?? false },
      limits: workerLimits(tenant),
      webhook: body.webhook,
    } satisfies IngestJobData);
    await enqueueJob({ req, res, queues, idempotency, type: 'ingest', tenant: tenant.id, data });
  });
  return router;
}
