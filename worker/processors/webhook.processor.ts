import type { Got } from 'got';
import { WEBHOOK_QUEUE, webhookJobDataSchema, type WebhookProgress } from '../../shared/jobs/webhook-delivery.js';
import type { JobQueues } from '../../shared/queues.js';
import type { ObjectStore } from '../../shared/storage/object-store.js';
import type { TenantRegistry } from '../../shared/tenants.js';
import type { WorkerMetrics } from '../../shared/worker-metrics.js';
import { defineProcessor, type ProcessorRuntime } from '../runtime/define-processor.js';
import { deliverWebhook } from '../webhook/deliver-webhook.js';

export interface WebhookDeps {
  http: Got;
  tenants: TenantRegistry;
  store: ObjectStore;
  /** The job kinds' queues, to read the job a delivery is about. */
  sources: JobQueues;
  /** Per attempt, from the first byte sent to the last byte received. */
  timeoutMs: number;
  /** Fleet-wide delivery counters (optional). */
  metrics?: WorkerMetrics;
}

/**
 * The `webhook` queue: one delivery of one job's final state per delivery job. Retries and their spacing are
 * BullMQ's (see webhook/retry-delay.ts); no cancellation and no webhook about a webhook.
 */
export function createWebhookProcessor(deps: WebhookDeps, { logger }: ProcessorRuntime) {
  return defineProcessor(
    {
      queue: WEBHOOK_QUEUE,
      schema: webhookJobDataSchema,
      logFields: (data) => ({ jobId: data.jobId, tenant: data.tenant }),
      run: async ({ data, job, logger: log }) => {
        const status = await deliverWebhook(deps, data, (p: WebhookProgress) => job.updateProgress({ ...p }));
        log.info({ status, event: data.event }, 'webhook delivered');
        await deps.metrics?.webhookAttempt('delivered').catch(() => undefined);
        return { status };
      },
      onAttemptFailed: async (_err, final) => {
        await deps.metrics?.webhookAttempt(final ? 'failed' : 'retried').catch(() => undefined);
      },
    },
    { logger },
  );
}
