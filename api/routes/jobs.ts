import { Router } from 'express';
import { Cancellations } from '../../shared/cancellations.js';
import { AppError } from '../../shared/errors.js';
import { buildJobDocument } from '../../shared/job-document.js';
import { webhookStatus } from '../../shared/webhook-status.js';
import type { ApiDeps } from '../deps.js';
import { findJob } from './find-job.js';

/** GET /v1/jobs/:id (the job as its tenant may see it) and DELETE /v1/jobs/:id (cancel). */
export function jobsRouter({ queues, webhooks, store, redis, config }: ApiDeps): Router {
  const router = Router();
  const cancellations = new Cancellations(redis, config.QUEUE_PREFIX, config.JOB_RETENTION_SECONDS);

  router.get('/v1/jobs/:id', async (req, res) => {
    const { job, state, type, id } = await findJob(req, queues);
    const doc = await buildJobDocument(job, state, type, store, { cancelRequested: await cancellations.isRequested(id) });
    const webhook = await webhookStatus(webhooks, job);
    if (webhook) doc.webhook = webhook;
    // The document carries a presigned URL: no cache may keep it.
    res.set('Cache-Control', 'no-store').json(doc);
  });

  router.delete('/v1/jobs/:id', async (req, res) => {
    const { id, type, state } = await findJob(req, queues);
    if (state === 'completed' || state === 'failed') {
      throw new AppError('job_finished', `The job is already ${state}`, { status: 409 });
    }
    // Queued: the worker that picks it up fails it at once. Running: its worker aborts downloads and upload.
    await cancellations.request(id);
    res.status(202).json({ id, type, state: 'cancelled' });
  });
  return router;
}
