import { AppError } from '../../shared/errors/app-error.js';
import { findJob } from '../jobs/find-job.js';
import { error, ERRORS, jobIdParams, json } from '../openapi/common.js';
import { defineRoute } from '../route.js';
import { cancelledJobSchema } from '../schemas.js';

/** DELETE /v1/jobs/:id: cancel a queued or running job. */
export const cancelJobRoute = defineRoute({
  method: 'delete',
  path: '/v1/jobs/:id',
  handlers: ({ queues, cancellations }) => [
    async (req, res) => {
      const { id, type, state } = await findJob(req, queues);
      if (state === 'completed' || state === 'failed')
        throw new AppError('job_finished', `The job is already ${state}`);
      // Queued: the worker that picks it up fails it at once. Running: its worker aborts downloads and upload.
      await cancellations.request(id);
      res.status(202).json({ id, type, state: 'cancelled' });
    },
  ],
  docs: {
    operationId: 'cancelJob',
    summary: 'Cancel a queued or running job',
    requestParams: { path: jobIdParams },
    responses: {
      202: json(
        'Cancelled: a queued job never runs; a running one stops its downloads and upload.',
        cancelledJobSchema,
      ),
      404: ERRORS[404],
      409: error('The job has already finished (code `job_finished`).'),
    },
  },
});
