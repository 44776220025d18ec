import type { Request, Response } from 'express';
import { newJobId } from '../../shared/job-id.js';
import type { JobType } from '../../shared/jobs.js';
import type { JobQueues } from '../../shared/queues.js';
import { idempotencyKeyOf, type IdempotencyStore } from '../idempotency.js';

export interface EnqueueJob {
  req: Request;
  res: Response;
  queues: JobQueues;
  idempotency: IdempotencyStore;
  type: JobType;
  tenant: string;
  data: unknown;
}

/**
 * Queues a job for `tenant` and answers 202 with its id. With an `Idempotency-Key` already used with the same
 * body in the last 24 h, answers 200 with the first job's id instead (and creates nothing new).
 */
export async function enqueueJob({ req, res, queues, idempotency, type, tenant, data }: EnqueueJob): Promise<void> {
  const key = idempotencyKeyOf(req.get('idempotency-key'));
  const claim = key
    ? await idempotency.claim(tenant, key, req.body, () => newJobId(type, tenant))
    : { first: true, jobId: newJobId(type, tenant) };
  // A replay adds too: if the first request has not added its job yet, this does; if it has, BullMQ ignores it.
  await queues[type].add(type, data, { jobId: claim.jobId });
  const statusUrl = `/v1/jobs/${claim.jobId}`;
  res
    .status(claim.first ? 202 : 200)
    .location(statusUrl)
    .json({ id: claim.jobId, type, state: 'queued', statusUrl });
}
