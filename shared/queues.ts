import { Queue, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
import type { Config } from './config.js';
import { MAIL_QUEUE, type MailJobData, type MailJobResult } from './jobs/mail-delivery.js';
import { JOB_TYPES, type JobDataOf, type JobResultOf, type JobType } from './jobs/registry.js';
import { WEBHOOK_QUEUE, type WebhookJobData, type WebhookJobResult } from './jobs/webhook-delivery.js';
import type { RateLimitedLog } from './rate-limited-log.js';

/** The queue of one job kind, typed by its payload and result; the queue is named after the kind. */
export type JobQueue<T extends JobType> = Queue<JobDataOf<T>, JobResultOf<T>, T>;
export type JobQueues = { [T in JobType]: JobQueue<T> };
export type WebhookQueue = Queue<WebhookJobData, WebhookJobResult, typeof WEBHOOK_QUEUE>;
export type MailQueue = Queue<MailJobData, MailJobResult, typeof MAIL_QUEUE>;

/** Every queue ferry has: one per registered job kind, the webhook deliveries and the share emails. */
export type FerryQueues = JobQueues & { webhook: WebhookQueue; mail: MailQueue };
export type QueueName = keyof FerryQueues;
export const QUEUE_NAMES: readonly QueueName[] = [...JOB_TYPES, WEBHOOK_QUEUE, MAIL_QUEUE];

/** Attempts, backoff and retention shared by every job the API creates. */
export function jobDefaults(config: Config): DefaultJobOptions {
  return {
    attempts: config.JOB_ATTEMPTS,
    backoff: { type: 'exponential', delay: config.JOB_BACKOFF_MS },
    removeOnComplete: { age: config.JOB_RETENTION_SECONDS },
    removeOnFail: { age: config.JOB_RETENTION_SECONDS },
  };
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

/** Attempts, backoff and retention of a share email: BullMQ's exponential backoff from MAIL_RETRY_DELAY_MS. */
export function mailJobDefaults(config: Config): DefaultJobOptions {
  return {
    attempts: config.MAIL_MAX_ATTEMPTS,
    backoff: { type: 'exponential', delay: config.MAIL_RETRY_DELAY_MS },
    removeOnComplete: { age: config.JOB_RETENTION_SECONDS },
    removeOnFail: { age: config.JOB_RETENTION_SECONDS },
  };
}

/** Builds every queue once: the API adds jobs and reads them, workers read sources and add deliveries. */
export function createQueues(connection: ConnectionOptions, config: Config): FerryQueues {
  const options = { connection, prefix: config.QUEUE_PREFIX, defaultJobOptions: jobDefaults(config) };
  const jobs = Object.fromEntries(JOB_TYPES.map((type) => [type, new Queue(type, options)])) as unknown as JobQueues;
  const webhook: WebhookQueue = new Queue(WEBHOOK_QUEUE, {
    connection,
    prefix: config.QUEUE_PREFIX,
    defaultJobOptions: webhookJobDefaults(config),
  });
  const mail: MailQueue = new Queue(MAIL_QUEUE, {
    connection,
    prefix: config.QUEUE_PREFIX,
    defaultJobOptions: mailJobDefaults(config),
  });
  return { ...jobs, webhook, mail };
}

/** Every queue of `queues`, for the views that list them all (metrics, Bull Board). */
export function allQueues(queues: FerryQueues): Queue[] {
  return QUEUE_NAMES.map((name) => queues[name] as Queue);
}

export async function closeQueues(queues: FerryQueues): Promise<void> {
  await Promise.all(allQueues(queues).map((q) => q.close()));
}

/**
 * Logs the queues' Redis errors through `log` (one line per interval, with a count): without a listener, BullMQ
 * prints each failed reconnection raw on stderr during an outage.
 */
export function logQueueErrors(queues: FerryQueues, log: RateLimitedLog): void {
  for (const q of allQueues(queues)) q.on('error', (err) => log.error(err, { queue: q.name }));
}
