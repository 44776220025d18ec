import { Router } from 'express';
import { NotFoundError } from '../../shared/errors.js';
import { buildJobDocument } from '../../shared/job-document.js';
import { parseJobId } from '../../shared/job-id.js';
import { webhookStatus } from '../../shared/webhook-status.js';
import type { ApiDeps } from '../deps.js';
import { tenantOf } from '../middleware/auth.js';

/** GET /v1/jobs/:id: the job as its tenant may see it; anyone else's or an unknown id is 404. */
export function jobsRouter({ queues, webhooks, store }: ApiDeps): Router {
  const router = Router();
  router.get('/v1/jobs/:id', async (req, res) => {
    const tenant = tenantOf(req);
    const id = req.params.id;
    const parsed = parseJobId(id);
    if (!parsed || parsed.tenant !== tenant.id) throw new NotFoundError('No such job');
    const queue = queues[parsed.type];
    // State first: a job read before its state could finish in between and look completed without a result.
    const state = await queue.getJobState(id);
    const job = state === 'unknown' ? undefined : await queue.getJob(id);
    if (!job || job.data?.tenant !== tenant.id) throw new NotFoundError('No such job');
    const doc = await buildJobDocument(job, state, parsed.type, store);
    const webhook = await webhookStatus(webhooks, job);
    if (webhook) doc.webhook = webhook;
    // The document carries a presigned URL: no cache may keep it.
    res.set('Cache-Control', 'no-store').json(doc);
  });
  return router;
}
