import type { Job, Queue } from 'bullmq';
import {
  webhookDeliveryId,
  webhookEventId,
  webhookJobDataSchema,
  type WebhookEvent,
  type WebhookJobData,
} from '../../shared/jobs.js';

/** Called by a processor once its job has reached a state it will not leave (completed, or failed for good). */
export type FinalStateListener = (job: Job, event: WebhookEvent) => Promise<void>;

/**
 * Queues the webhook delivery of a job that asked for one. The delivery's job id is derived from the job's,
 * so a job run twice (a stalled job picked up again) still gets one delivery.
 */
export function webhookDeliveryQueuer(webhooks: Queue): FinalStateListener {
  return async (job, event) => {
    const url: unknown = job.data?.webhook?.url;
    if (typeof url !== 'string') return;
    const data: WebhookJobData = webhookJobDataSchema.parse({
      jobId: job.id!,
      type: job.queueName,
      tenant: job.data.tenant,
      url,
      event,
      eventId: webhookEventId(job.id!),
    } satisfies Record<keyof WebhookJobData, unknown>);
    await webhooks.add('webhook', data, { jobId: webhookDeliveryId(job.id!) });
  };
}
