import type { Job } from 'bullmq';
import type { Request } from 'express';
import { NotFoundError } from '../../shared/errors/app-error.js';
import type { BaseJobData } from '../../shared/jobs/common.js';
import type { JobType } from '../../shared/jobs/registry.js';
import type { JobQueues } from '../../shared/queues.js';
import { tenantOf } from '../middleware/auth.js';
import { parseJobId } from './job-id.js';

export interface FoundJob {
  id: string;
  type: JobType;
  job: Job;
  /** BullMQ's state, read before the job. */
  state: string;
}

/** The caller's job named in the path; anyone else's or an unknown id is 404, never 403. */
export async function findJob(req: Request, queues: JobQueues): Promise<FoundJob> {
  const tenant = tenantOf(req);
  const id = String(req.params.id);
  const parsed = parseJobId(id);
  if (!parsed || parsed.tenant !== tenant.id) throw new NotFoundError('No such job');
  const queue = queues[parsed.type];
  // State first: a job read before its state could finish in between and look completed without a result.
  const state = await queue.getJobState(id);
  const job = state === 'unknown' ? undefined : ((await queue.getJob(id)) as Job<BaseJobData> | undefined);
  if (job?.data?.tenant !== tenant.id) throw new NotFoundError('No such job');
  return { id, type: parsed.type, job, state };
}
