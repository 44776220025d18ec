import { Router, type Request } from 'express';
import type { Job } from 'bullmq';
import { Cancellations } from '../../shared/cancellations.js';
import { AppError, NotFoundError } from '../../shared/errors.js';
import { buildJobDocument } from '../../shared/job-document.js';
import { parseJobId } from '../../shared/job-id.js';
import type { JobType } from '../../shared/jobs.js';
import type { JobQueues } from '../../shared/queues.js';
import { webhookStatus } from '../../shared/webhook-status.js';
import type { ApiDeps } from '../deps.js';
import { tenantOf } from '../middleware/auth.js';

interface FoundJob {
  id: string;
  type: JobType;
  job: Job;
  /** BullMQ's state, read before the job. */
  state: string;
}

/** The caller's job named in the path; anyone else's or an unknown id is 404, never 403. */
async function findJob(req: Request, queues: JobQueues): Promise<FoundJob> {
  const tenant = tenantOf(req);
  const id = String(req.params.id);
  const parsed = parseJobId(id);
  if (!parsed || parsed.tenant !== tenant.id) throw new NotFoundError('No such job');
  const queue = queues[parsed.type];
  // State first: a job read before its state could finish in between and look completed without a result.
  const state = await queue.getJobState(id);
  const job = state === 'unknown' ? undefined : await queue.getJob(id);
  if (!job || job.data?.tenant !== tenant.id) throw new NotFoundError('No such job');
  return { id, type: parsed.type, job, state };
}

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
