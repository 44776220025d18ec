import { z } from 'zod';
import type { WebhookHeaders } from '../webhooks.js';
import { jobDocumentSchema } from './job-document.js';
import { JOB_TYPES } from './registry.js';

/** The events a delivery reports; one per job, sent once it is completed, failed for good, or cancelled. */
export const WEBHOOK_EVENTS = ['job.completed', 'job.failed', 'job.cancelled'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** The body of a delivery (Standard Webhooks): the event, when it was sent and the job as GET /v1/jobs/:id shows it. */
export const webhookPayloadSchema = z.object({
  type: z.enum(WEBHOOK_EVENTS),
  timestamp: z.iso.datetime().meta({ description: 'When this attempt was sent; `webhook-timestamp` in unix seconds.' }),
  data: jobDocumentSchema,
});
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;

/** The body of one event's deliveries. */
export const webhookEventPayloadSchema = (event: WebhookEvent) =>
  webhookPayloadSchema.extend({ type: z.literal(event) });

/** The Standard Webhooks headers of a delivery (`webhookHeaders()` in shared/webhooks.ts makes them). */
export const webhookHeadersSchema = z.object({
  'webhook-id': z.string().meta({ description: 'The same on every attempt of one event: receivers dedupe by it.' }),
  'webhook-timestamp': z
    .string()
    .regex(/^\d{1,15}$/)
    .meta({ description: 'When this attempt was signed, in unix seconds; refuse it when too far from now.' }),
  'webhook-signature': z.string().meta({
    description:
      '`v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>">`, keyed by the tenant’s webhook secret ' +
      '(the base64-decoded part after `whsec_`); `verifyWebhook()` of `ferry/webhooks` checks it.',
  }),
});

// The headers are made from a TypeScript type; this fails to compile when the type and its schema part ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _headers: Same<z.output<typeof webhookHeadersSchema>, WebhookHeaders> = true;

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
