import type { Response } from 'express';
import { newJobId } from '../../shared/job-id.js';
import type { JobType } from '../../shared/jobs.js';
import type { JobQueues } from '../../shared/queues.js';

/** Queues a job under a fresh id for `tenant` and answers the 202 every job-creating route answers with. */
export async function enqueueJob(res: Response, queues: JobQueues, type: JobType, tenant: string, data: unknown) {
  const id = newJobId(type, tenant);
  await queues[type].add(type, data, { jobId: id });
  const statusUrl = `/v1/jobs/${id}`;
  res.status(202).location(statusUrl).json({ id, type, state: 'queued', statusUrl });
}
