import type { Response } from 'express';
import type { JobType } from '../../shared/jobs.js';

/** The 202 every job-creating route answers with. */
export function acceptedJob(res: Response, id: string, type: JobType): void {
  const statusUrl = `/v1/jobs/${id}`;
  res.status(202).location(statusUrl).json({ id, type, state: 'queued', statusUrl });
}
