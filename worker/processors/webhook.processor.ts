import { UnrecoverableError, type Job } from 'bullmq';
import type { WorkerMetrics } from '../../shared/worker-metrics.js';
import type { Got } from 'got';
import { buildJobDocument } from '../../shared/job-document.js';
import { formatFailure } from '../../shared/job-failure.js';
import { webhookJobDataSchema, type WebhookProgress } from '../../shared/jobs.js';
import type { Logger } from '../../shared/logger.js';
import type { JobQueues } from '../../shared/queues.js';
import type { ObjectStore } from '../../shared/storage/object-store.js';
import type { TenantRegistry } from '../../shared/tenants.js';
import { sendWebhook } from '../webhook/send-webhook.js';

export interface WebhookDeps {
  http: Got;
  tenants: TenantRegistry;
  store: ObjectStore;
  /** The zip and ingest queues, to read the job a delivery is about. */
  sources: JobQueues;
  /** Per attempt, from the first byte sent to the last byte received. */
  timeoutMs: number;
  /** Fleet-wide delivery counters (optional). */
  metrics?: WorkerMetrics;
}

const FINAL_STATES = new Set(['completed', 'failed']);
/** How long to wait for the source job's own move to completed/failed, which lands just after the enqueue. */
const SETTLE_TIMEOUT_MS = 10_000;

async function settledState(sources: JobQueues, type: 'zip' | 'ingest', jobId: string): Promise<string> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const state = await sources[type].getJobState(jobId);
    if (FINAL_STATES.has(state) || state === 'unknown' || Date.now() > deadline) return state;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Delivers one job's final state: the body is built at send time (so the download URL in it is fresh), signed
 * with the tenant's current secret; retries and their spacing are BullMQ's, see retry-delay.ts.
 */
export function createWebhookProcessor(deps: WebhookDeps, logger: Logger) {
  return async function process(job: Job): Promise<{ status: number }> {
    const parsed = webhookJobDataSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(formatFailure('invalid_job', parsed.error.message));
    const data = parsed.data;
    const log = logger.child({ jobId: data.jobId, tenant: data.tenant, queue: 'webhook', attempt: job.attemptsStarted });
    const secret = deps.tenants.get(data.tenant)?.webhookSecret;
    if (secret === undefined) {
      throw new UnrecoverableError(formatFailure('webhook_not_configured', `Tenant ${data.tenant} has no webhookSecret`));
    }
    // The worker queues the delivery a moment before BullMQ records the job's outcome.
    const state = await settledState(deps.sources, data.type, data.jobId);
    if (state === 'unknown') throw new UnrecoverableError(formatFailure('job_gone', `Job ${data.jobId} no longer exists`));
    if (!FINAL_STATES.has(state)) throw new Error(formatFailure('job_not_finished', `Job ${data.jobId} is still ${state}`));
    const source = await deps.sources[data.type].getJob(data.jobId);
    if (!source) throw new UnrecoverableError(formatFailure('job_gone', `Job ${data.jobId} no longer exists`));

    const document = await buildJobDocument(source, state, data.type, deps.store);
    const body = JSON.stringify({ type: data.event, timestamp: new Date().toISOString(), data: document });
    const record = (p: WebhookProgress) => job.updateProgress({ ...p });
    try {
      const status = await sendWebhook(
        deps.http,
        { url: data.url, eventId: data.eventId, secret, body, timeoutMs: deps.timeoutMs },
        (attempt) => record({ lastStatus: attempt.status, lastError: attempt.error }),
      );
      log.info({ status, event: data.event }, 'webhook delivered');
      await deps.metrics?.webhookAttempt('delivered').catch(() => undefined);
      return { status };
    } catch (err) {
      log.warn({ err, event: data.event }, 'webhook attempt failed');
      const last = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      await deps.metrics?.webhookAttempt(last ? 'failed' : 'retried').catch(() => undefined);
      throw err;
    }
  };
}
