import type { Job } from 'bullmq';
import { z } from 'zod';
import { parseFailure } from '../errors/job-failure.js';
import type { ObjectStore } from '../storage/object-store.js';
import { jobProgressSchema, type JobProgress } from './common.js';
import type { JobKind } from './job-kind.js';
import { JOB_KINDS, JOB_TYPES, type JobType, type ResultViewOf } from './registry.js';
import type { ZipResultView } from './zip.job.js';

const isoDateTime = z.iso.datetime();
const count = z.number().int().nonnegative();

export const jobTypeSchema = z.enum(JOB_TYPES);
export const jobStateSchema = z.enum(['queued', 'active', 'completed', 'failed', 'cancelled']);
export type JobState = z.infer<typeof jobStateSchema>;

/**
 * How the job document shows a kind's result: its view schema, or the stored result itself. Named, for the
 * OpenAPI document, by the kind's `docs.resultName`.
 */
function resultViewSchema(type: JobType): z.ZodType<ResultViewOf<JobType>> {
  const kind = JOB_KINDS[type] as unknown as JobKind;
  return (kind.view?.schema ?? kind.result).meta({ id: kind.docs.resultName }) as z.ZodType<ResultViewOf<JobType>>;
}
const resultViews = JOB_TYPES.map(resultViewSchema) as [
  z.ZodType<ResultViewOf<JobType>>,
  ...z.ZodType<ResultViewOf<JobType>>[],
];

export const webhookViewSchema = z.object({
  url: z.string(),
  state: z.enum(['pending', 'delivered', 'failed']),
  attempts: count,
  lastStatus: z.number().int().optional().meta({ description: 'HTTP status of the last attempt, if it got one.' }),
});
/** Where the job's webhook delivery stands; `attempts` counts the deliveries tried so far. */
export type WebhookView = z.infer<typeof webhookViewSchema>;

export const notifyViewSchema = z.object({
  state: z.enum(['pending', 'sent', 'failed']).meta({
    description: '`pending` until every email is sent or given up on; then `sent`, or `failed` if any failed.',
  }),
  sent: z.array(z.string()).meta({ description: 'Addresses the SMTP server accepted the email for.' }),
  failed: z.array(z.string()).meta({ description: 'Addresses given up on (refused, or out of retries).' }),
});
/** Where the job's share emails stand. */
export type NotifyView = z.infer<typeof notifyViewSchema>;

/** The job as its tenant sees it: GET /v1/jobs/:id, the SSE stream's last event, a webhook's `data`. */
export const jobDocumentSchema = z
  .object({
    id: z.string(),
    type: jobTypeSchema,
    state: jobStateSchema,
    createdAt: isoDateTime,
    startedAt: isoDateTime.optional(),
    finishedAt: isoDateTime.optional(),
    attempts: count,
    progress: jobProgressSchema,
    result: (resultViews.length === 1 ? resultViews[0] : z.union(resultViews))
      .optional()
      .meta({ description: 'Once completed: what the job made (see each job kind’s result).' }),
    error: z.object({ code: z.string(), message: z.string() }).optional().meta({ description: 'Once failed: why.' }),
    lastError: z
      .object({ code: z.string(), message: z.string() })
      .optional()
      .meta({
        description:
          'While `queued` or `active` after a failed attempt (waiting to retry, or retrying): why the last attempt ' +
          'failed. Gone once the job completes; a failed job shows `error` instead.',
      }),
    webhook: webhookViewSchema
      .optional()
      .meta({ description: 'Only for a job created with a webhook: where its delivery stands.' }),
    notify: notifyViewSchema
      .optional()
      .meta({ description: 'Only for a zip created with `notify`: where its emails stand.' }),
  })
  .meta({ id: 'Job' });
export type JobDocument = z.infer<typeof jobDocumentSchema>;

const STATE_BY_BULLMQ: Record<string, JobState> = {
  waiting: 'queued',
  'waiting-children': 'queued',
  prioritized: 'queued',
  delayed: 'queued',
  active: 'active',
  completed: 'completed',
  failed: 'failed',
};

const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : undefined);

function progressOf(job: Job, filesTotal: number): JobProgress {
  const p: unknown = job.progress;
  if (typeof p === 'object' && p !== null && 'filesTotal' in p) return p as JobProgress;
  return { filesTotal, filesDone: 0, filesFailed: 0, bytesDownloaded: 0 };
}

/** Files the job will report on, counted from its payload as its worker does (0 for a payload that does not parse). */
function filesTotalOf(type: JobType, data: unknown): number {
  const kind = JOB_KINDS[type] as unknown as JobKind;
  const parsed = kind.data.safeParse(data);
  return parsed.success ? kind.filesTotal(parsed.data) : 0;
}

/** The result as the kind shows it (a zip's fresh presigned link...). */
async function presentResult(type: JobType, returnvalue: unknown, store: ObjectStore, now: number) {
  const kind = JOB_KINDS[type] as unknown as JobKind;
  const result: unknown = kind.result.parse(returnvalue);
  const view = kind.view ? await kind.view.present(result, { store, now }) : result;
  return view as ResultViewOf<JobType>;
}

export interface BuildJobDocumentOptions {
  /** DELETE /v1/jobs/:id was called: a queued or running job already shows as `cancelled`. */
  cancelRequested?: boolean;
  now?: number;
}

/** Builds the job document from the BullMQ job; `bullState` is the job's BullMQ state, read before the job. */
export async function buildJobDocument(
  job: Job,
  bullState: string,
  type: JobType,
  store: ObjectStore,
  { cancelRequested = false, now = Date.now() }: BuildJobDocumentOptions = {},
): Promise<JobDocument> {
  const failure = bullState === 'failed' ? parseFailure(job.failedReason) : undefined;
  const bullMapped = STATE_BY_BULLMQ[bullState] ?? 'queued';
  const cancelled =
    failure?.code === 'cancelled' || (cancelRequested && (bullMapped === 'queued' || bullMapped === 'active'));
  const state: JobState = cancelled ? 'cancelled' : bullMapped;
  const doc: JobDocument = {
    id: job.id!,
    type,
    state,
    createdAt: iso(job.timestamp)!,
    startedAt: iso(job.processedOn),
    finishedAt: bullMapped === 'completed' || bullMapped === 'failed' ? iso(job.finishedOn) : undefined,
    attempts: job.attemptsStarted,
    progress: progressOf(job, filesTotalOf(type, job.data)),
  };
  if (state === 'completed') doc.result = await presentResult(type, job.returnvalue, store, now);
  if (failure) doc.error = failure;
  // BullMQ keeps the failed attempt's reason on the job while it waits in `delayed` for its next attempt.
  if ((state === 'queued' || state === 'active') && job.attemptsMade > 0) {
    const last = parseFailure(job.failedReason);
    if (last) doc.lastError = last;
  }
  return doc;
}

// Fails to compile if a kind's result view is lost in the registry's types (it once inferred as `never`).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _zipView: Same<ResultViewOf<'zip'>, ZipResultView> = true;
