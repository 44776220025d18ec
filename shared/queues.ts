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

/** The custom backoff the webhook worker implements (exponential with jitter, honouring Retry-After). */
export const WEBHOOK_BACKOFF_TYPE = 'webhook';

/** Attempts, backoff and retention of a webhook delivery. */
export function webhookJobDefaults(config: Config): DefaultJobOptions {
  return {
    attempts: config.WEBHOOK_MAX_ATTEMPTS,
    backoff: { type: WEBHOOK_BACKOFF_TYPE, delay: config.WEBHOOK_RETRY_DELAY_MS },
    removeOnComplete: { age: config.JOB_RETENTION_SECONDS },
    removeOnFail: { age: config.JOB_RETENTION_SECONDS },
  };
}

/**
 * The `webhook` queue: workers add deliveries to it, the API reads a delivery's state for the job document.
 * Kept out of {@link JobQueues}, which holds only the job types clients create.
 */
export function createWebhookQueue(connection: ConnectionOptions, config: Config): Queue {
  return new Queue('webhook', { connection, prefix: config.QUEUE_PREFIX, defaultJobOptions: webhookJobDefaults(config) });
}

export async function closeQueues(queues: Record<string, Queue>): Promise<void> {
  await Promise.all(Object.values(queues).map((q) => q.close()));
}
