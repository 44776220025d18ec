import { Router } from 'express';
import { createZipRequestSchema, zipJobDataSchema, type ZipJobData } from '../../shared/jobs.js';
import type { ApiDeps } from '../deps.js';
import { IdempotencyStore } from '../idempotency.js';
import { tenantOf } from '../middleware/auth.js';
import { parseBody } from '../middleware/validate.js';
import { enqueueJob } from './accepted-job.js';
import { checkJobRequest, workerLimits } from './job-request.js';

function archiveFilename(name: string): string {
  return /\.zip$/i.test(name) ? name : `${name}.zip`;
}

/** POST /v1/zips: validates, queues a zip job and answers 202 at once. */
export function zipsRouter({ config, queues, redis }: ApiDeps): Router {
  const router = Router();
  const idempotency = new IdempotencyStore(redis, config.QUEUE_PREFIX);
  router.post('/v1/zips', async (req, res) => {
    const tenant = tenantOf(req);
    const body = parseBody(createZipRequestSchema, req.body);
    const files = body.files ?? body.urls!.map((url) => ({ url }));
    checkJobRequest(config, tenant, body.files ? 'files' : 'urls', files.length, body.webhook);
    const options = body.options ?? { compression: 'auto', onError: 'fail', manifest: false };
    const data: ZipJobData = zipJobDataSchema.parse({
      tenant: tenant.id,
      filename: archiveFilename(body.filename),
      files,
      options: { compression: options.compression, onError: options.onError, manifest: options.manifest },
      expiresIn: Math.min(options.expiresIn ?? config.ZIP_DEFAULT_EXPIRES_IN, config.ZIP_MAX_EXPIRES_IN),
      limits: workerLimits(tenant),
      webhook: body.webhook,
    } satisfies ZipJobData);
    await enqueueJob({ req, res, queues, idempotency, type: 'zip', tenant: tenant.id, data });
  });
  return router;
}
