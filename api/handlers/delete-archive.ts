import { AppError, NotFoundError } from '../../shared/errors/app-error.js';
import { zipJob } from '../../shared/jobs/zip.job.js';
import { findJob } from '../jobs/find-job.js';
import { error, ERRORS, jobIdParams } from '../openapi/common.js';
import { defineRoute } from '../route.js';

/**
 * DELETE /v1/jobs/:id/archive: deletes a finished zip's archive now, before it expires, and withdraws its share
 * page (which then answers 410). Deleting again is a no-op (204).
 */
export const deleteArchiveRoute = defineRoute({
  method: 'delete',
  path: '/v1/jobs/:id/archive',
  handlers: ({ queues, store, shares, config }) => [
    async (req, res) => {
      const { id, type, job, state } = await findJob(req, queues);
      if (type !== 'zip') throw new NotFoundError('Only zip jobs have an archive');
      if (state !== 'completed') throw new AppError('archive_not_ready', `The job is ${state}: it has no archive`);
      const result = zipJob.result.parse(job.returnvalue);
      // The share first: from this moment the page says withdrawn, even while the delete is on its way.
      await shares.withdraw(id, config.JOB_RETENTION_SECONDS);
      await store.delete(result.key);
      res.status(204).end();
    },
  ],
  docs: {
    operationId: 'deleteArchive',
    summary: 'Delete a finished zip’s archive now and withdraw its share page',
    requestParams: { path: jobIdParams },
    responses: {
      204: {
        description:
          'Deleted (or already gone); the share page now says the files were withdrawn (410), and the job shows ' +
          '`result.withdrawnAt` instead of a `downloadUrl`.',
      },
      404: ERRORS[404],
      409: error('The job has not completed, so it has no archive (code `archive_not_ready`).'),
    },
  },
});
