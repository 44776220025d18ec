import type { Got } from 'got';
import { buildJobDocument } from '../../shared/jobs/job-document.js';
import type { JobType } from '../../shared/jobs/registry.js';
import type { WebhookJobData, WebhookPayload, WebhookProgress } from '../../shared/jobs/webhook-delivery.js';
import type { JobQueues } from '../../shared/queues.js';
import type { ObjectStore } from '../../shared/storage/object-store.js';
import type { TenantRegistry } from '../../shared/tenants.js';
import { failJob, RetryJobError } from '../runtime/job-errors.js';
import { sendWebhook } from './send-webhook.js';

export interface DeliverWebhookDeps {
  http: Got;
  tenants: TenantRegistry;
  store: ObjectStore;
  sources: JobQueues;
  timeoutMs: number;
}

const FINAL_STATES = new Set(['completed', 'failed']);
/** How long to wait for the source job's own move to completed/failed, which lands just after the enqueue. */
const SETTLE_TIMEOUT_MS = 10_000;

async function settledState(sources: JobQueues, type: JobType, jobId: string): Promise<string> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const state = await sources[type].getJobState(jobId);
    if (FINAL_STATES.has(state) || state === 'unknown' || Date.now() > deadline) return state;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Delivers one job's final state: the body is built at send time (so the download URL in it is fresh) and
 * signed with the tenant's current secret. Resolves with the receiver's 2xx status.
 */
export async function deliverWebhook(
  deps: DeliverWebhookDeps,
  data: WebhookJobData,
  record: (p: WebhookProgress) => Promise<unknown>,
): Promise<number> {
  const secret = deps.tenants.get(data.tenant)?.webhookSecret;
  if (secret === undefined) throw failJob('webhook_not_configured', `Tenant ${data.tenant} has no webhookSecret`);
  // The worker queues the delivery a moment before BullMQ records the job's outcome.
  const state = await settledState(deps.sources, data.type, data.jobId);
  if (state === 'unknown') throw failJob('job_gone', `Job ${data.jobId} no longer exists`);
  if (!FINAL_STATES.has(state)) throw new RetryJobError('job_not_finished', `Job ${data.jobId} is still ${state}`);
  const source = await deps.sources[data.type].getJob(data.jobId);
  if (!source) throw failJob('job_gone', `Job ${data.jobId} no longer exists`);

  const document = await buildJobDocument(source, state, data.type, deps.store);
  const payload: WebhookPayload = { type: data.event, timestamp: new Date().toISOString(), data: document };
  const body = JSON.stringify(payload);
  return sendWebhook(
    deps.http,
    { url: data.url, eventId: data.eventId, secret, body, timeoutMs: deps.timeoutMs },
    async (attempt) => {
      await record({ lastStatus: attempt.status, lastError: attempt.error });
    },
  );
}
