import { z } from 'zod';
import { JOB_TYPES } from './registry.js';

/** The events a delivery reports; one per job, sent once it is completed or failed for good. */
export const WEBHOOK_EVENTS = ['job.completed', 'job.failed'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** The queue that carries webhook deliveries, beside one queue per job kind. */
export const WEBHOOK_QUEUE = 'webhook';

/** What the `webhook` queue carries: one delivery of one job's final state. */
export const webhookJobDataSchema = z.object({
  /** The job the delivery is about. */
  jobId: z.string(),
  type: z.enum(JOB_TYPES),
  tenant: z.string(),
  url: z.string(),
  event: z.enum(WEBHOOK_EVENTS),
  /** `webhook-id`: the same on every attempt, so receivers can dedupe. */
  eventId: z.string(),
});
export type WebhookJobData = z.infer<typeof webhookJobDataSchema>;

/** What a successful delivery job returns. */
export interface WebhookJobResult {
  status: number;
}

/** What the webhook processor leaves in the delivery job's progress after each attempt. */
export interface WebhookProgress {
  lastStatus?: number;
  lastError?: string;
}

/** The delivery's job id: deterministic, so a job run twice still queues one delivery. */
export function webhookDeliveryId(jobId: string): string {
  return `wh_${jobId}`;
}

/** The delivery's `webhook-id`, stable across retries. */
export function webhookEventId(jobId: string): string {
  return `msg_${jobId}`;
}
