import type { Job } from 'bullmq';
import type { WebhookView } from '../../shared/jobs/job-document.js';
import { webhookDeliveryId, type WebhookProgress } from '../../shared/jobs/webhook-delivery.js';
import type { WebhookQueue } from '../../shared/queues.js';

/**
 * The job document's `webhook` field, read from the delivery job in the `webhook` queue; undefined when the
 * job was created without a webhook. No delivery job yet (the job is still running) reads as pending.
 */
export async function webhookStatus(webhooks: WebhookQueue, job: Job): Promise<WebhookView | undefined> {
  const url: unknown = (job.data as { webhook?: { url?: unknown } } | undefined)?.webhook?.url;
  if (typeof url !== 'string') return undefined;
  const id = webhookDeliveryId(job.id!);
  const state = await webhooks.getJobState(id);
  const delivery = state === 'unknown' ? undefined : await webhooks.getJob(id);
  if (!delivery) return { url, state: 'pending', attempts: 0 };
  const progress = (typeof delivery.progress === 'object' ? delivery.progress : {}) as WebhookProgress;
  return {
    url,
    state: state === 'completed' ? 'delivered' : state === 'failed' ? 'failed' : 'pending',
    attempts: delivery.attemptsStarted,
    ...(progress.lastStatus === undefined ? {} : { lastStatus: progress.lastStatus }),
  };
}
