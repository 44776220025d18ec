import type { Job } from 'bullmq';
import type { WebhookEvent } from '../../shared/jobs/webhook-delivery.js';

/** Called by a processor once its job has reached a state it will not leave (completed, failed for good, or cancelled). */
export type FinalStateListener = (job: Job, event: WebhookEvent) => Promise<void>;
