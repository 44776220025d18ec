import { Queue, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
import type { Config } from './config.js';
import type { JobType } from './jobs.js';

export type JobQueues = Record<JobType, Queue>;

/** Attempts, backoff and retention shared by every job the API creates. */
export function jobDefaults(config: Config): DefaultJobOptions {
  return {
    attempts: config.JOB_ATTEMPTS,
    backoff: { type: 'exponential', delay: config.JOB_BACKOFF_MS },
    removeOnComplete: { age: config.JOB_RETENTION_SECONDS },
    removeOnFail: { age: config.JOB_RETENTION_SECONDS },
  };
}

export function createJobQueues(connection: ConnectionOptions, config: Config): JobQueues {
  const options = { connection, prefix: config.QUEUE_PREFIX, defaultJobOptions: jobDefaults(config) };
  return { zip: new Queue('zip', options), ingest: new Queue('ingest', options) };
}

export async function closeQueues(queues: JobQueues): Promise<void> {
  await Promise.all(Object.values(queues).map((q) => q.close()));
}
