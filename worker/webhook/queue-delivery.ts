import {
  WEBHOOK_QUEUE,
  webhookDeliveryId,
  webhookEventId,
  webhookJobDataSchema,
  type WebhookJobData,
} from '../../shared/jobs/webhook-delivery.js';
import type { WebhookQueue } from '../../shared/queues.js';
import type { FinalStateListener } from '../runtime/final-state.js';

/**
 * Queues the webhook delivery of a job that asked for one. The delivery's job id is derived from the job's,
 * so a job run twice (a stalled job picked up again) still gets one delivery.
 */
export function webhookDeliveryQueuer(webhooks: WebhookQueue): FinalStateListener {
  return async (job, event) => {
    const source = job.data as { tenant?: unknown; webhook?: { url?: unknown } } | undefined;
    const url = source?.webhook?.url;
    if (typeof url !== 'string') return;
    const data: WebhookJobData = webhookJobDataSchema.parse({
      jobId: job.id!,
      type: job.queueName,
      tenant: source?.tenant,
      url,
      event,
      eventId: webhookEventId(job.id!),
    } satisfies Record<keyof WebhookJobData, unknown>);
    await webhooks.add(WEBHOOK_QUEUE, data, { jobId: webhookDeliveryId(job.id!) });
  };
}
