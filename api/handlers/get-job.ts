import { z } from 'zod';
import { buildJobDocument, jobDocumentSchema } from '../../shared/jobs/job-document.js';
import { applyArchiveWithdrawal } from '../jobs/archive-withdrawal.js';
import { findJob } from '../jobs/find-job.js';
import { notifyStatus } from '../jobs/notify-status.js';
import { webhookStatus } from '../jobs/webhook-status.js';
import { ERRORS, jobIdParams, json } from '../openapi/common.js';
import { defineRoute } from '../route.js';

/** GET /v1/jobs/:id: the job as its tenant may see it, with a freshly presigned link once a zip is done. */
export const getJobRoute = defineRoute({
  method: 'get',
  path: '/v1/jobs/:id',
  handlers: ({ queues, store, cancellations, shares }) => [
    async (req, res) => {
      const { job, state, type, id } = await findJob(req, queues);
      const doc = await buildJobDocument(job, state, type, store, {
        cancelRequested: await cancellations.isRequested(id),
      });
      await applyArchiveWithdrawal(doc, shares);
      const webhook = await webhookStatus(queues.webhook, job);
      if (webhook) doc.webhook = webhook;
      const notify = await notifyStatus(queues.mail, job);
      if (notify) doc.notify = notify;
      // The document carries a presigned URL: no cache may keep it.
      res.set('Cache-Control', 'no-store').json(doc);
    },
  ],
  docs: {
    operationId: 'getJob',
    summary: 'A job as its tenant may see it',
    requestParams: { path: jobIdParams },
    responses: {
      200: {
        ...json('The job.', jobDocumentSchema),
        headers: z.object({
          'Cache-Control': z.string().meta({ description: '`no-store`: the body can hold a presigned URL.' }),
        }),
      },
      404: ERRORS[404],
    },
  },
});
