import { Router } from 'express';
import { ValidationError } from '../../shared/errors.js';
import { newJobId } from '../../shared/job-id.js';
import { createZipRequestSchema, zipJobDataSchema, type ZipJobData } from '../../shared/jobs.js';
import type { ApiDeps } from '../deps.js';
import { tenantOf } from '../middleware/auth.js';
import { parseBody } from '../middleware/validate.js';
import { acceptedJob } from './accepted-job.js';

function archiveFilename(name: string): string {
  return /\.zip$/i.test(name) ? name : `${name}.zip`;
}

/** POST /v1/zips: validates, queues a zip job and answers 202 at once. */
export function zipsRouter({ config, queues }: ApiDeps): Router {
  const router = Router();
  router.post('/v1/zips', async (req, res) => {
    const tenant = tenantOf(req);
    const body = parseBody(createZipRequestSchema, req.body);
    const field = body.files ? 'files' : 'urls';
    const files = body.files ?? body.urls!.map((url) => ({ url }));
    if (files.length > tenant.limits.maxFilesPerJob) {
      throw new ValidationError(`At most ${tenant.limits.maxFilesPerJob} files per job`, [
        { field, message: `must have at most ${tenant.limits.maxFilesPerJob} items` },
      ]);
    }
    if (body.webhook) {
      throw new ValidationError(
        'Webhook delivery is not built yet: poll GET /v1/jobs/:id',
        [{ field: 'webhook', message: 'is not supported yet' }],
        'not_supported',
      );
    }
    const options = body.options ?? { compression: 'auto', onError: 'fail', manifest: false };
    const data: ZipJobData = zipJobDataSchema.parse({
      tenant: tenant.id,
      filename: archiveFilename(body.filename),
      files,
      options: { compression: options.compression, onError: options.onError, manifest: options.manifest },
      expiresIn: Math.min(options.expiresIn ?? config.ZIP_DEFAULT_EXPIRES_IN, config.ZIP_MAX_EXPIRES_IN),
      limits: {
        maxFileBytes: tenant.limits.maxFileBytes,
        maxJobBytes: tenant.limits.maxJobBytes,
        allowedTypes: tenant.limits.allowedTypes,
      },
    } satisfies ZipJobData);
    const id = newJobId('zip', tenant.id);
    await queues.zip.add('zip', data, { jobId: id });
    acceptedJob(res, id, 'zip');
  });
  return router;
}
