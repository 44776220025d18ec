import type { Job } from 'bullmq';
import { parseFailure } from './job-failure.js';
import {
  ingestJobResultSchema,
  zipJobResultSchema,
  type FileFailure,
  type IngestJobResult,
  type JobProgress,
  type JobType,
  type ZipEntry,
} from './jobs.js';
import type { ObjectStore } from './storage/object-store.js';

export type JobState = 'queued' | 'active' | 'completed' | 'failed' | 'cancelled';

export interface ZipResultView {
  downloadUrl?: string;
  expiresAt: string;
  key: string;
  filename: string;
  size: number;
  entries: ZipEntry[];
  failures: FileFailure[];
}

/** Where the job's webhook delivery stands; `attempts` counts the deliveries tried so far. */
export interface WebhookView {
  url: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatus?: number;
}

/** The job as its tenant sees it (GET /v1/jobs/:id, webhooks). */
export interface JobDocument {
  id: string;
  type: JobType;
  state: JobState;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  attempts: number;
  progress: JobProgress;
  result?: ZipResultView | IngestJobResult;
  error?: { code: string; message: string };
  /** Only for a job created with a webhook (GET /v1/jobs/:id; not inside the delivery itself). */
  webhook?: WebhookView;
}

const STATE_BY_BULLMQ: Record<string, JobState> = {
  waiting: 'queued',
  'waiting-children': 'queued',
  prioritized: 'queued',
  delayed: 'queued',
  active: 'active',
  completed: 'completed',
  failed: 'failed',
};

/** Presigned URLs cannot outlive SigV4's 7-day limit. */
const MAX_PRESIGN_SECONDS = 604_800;

const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : undefined);

function progressOf(job: Job, filesTotal: number): JobProgress {
  const p = job.progress;
  if (typeof p === 'object' && p !== null && 'filesTotal' in p) return p as JobProgress;
  return { filesTotal, filesDone: 0, filesFailed: 0, bytesDownloaded: 0 };
}

/**
 * A fresh presigned URL for a finished archive, valid until the archive's expiry and never past it;
 * undefined once it has expired.
 */
async function downloadUrl(store: ObjectStore, key: string, filename: string, expiresAt: string, now: number) {
  const seconds = Math.min(MAX_PRESIGN_SECONDS, Math.floor((Date.parse(expiresAt) - now) / 1000));
  if (seconds < 1) return undefined;
  return store.presignGet({ key, expiresIn: seconds, downloadFilename: filename });
}

/** Builds the job document from the BullMQ job; `state` is the job's BullMQ state. */
export interface BuildJobDocumentOptions {
  /** DELETE /v1/jobs/:id was called: a queued or running job already shows as `cancelled`. */
  cancelRequested?: boolean;
  now?: number;
}

export async function buildJobDocument(
  job: Job,
  bullState: string,
  type: JobType,
  store: ObjectStore,
  { cancelRequested = false, now = Date.now() }: BuildJobDocumentOptions = {},
): Promise<JobDocument> {
  const failure = bullState === 'failed' ? parseFailure(job.failedReason) : undefined;
  const bullMapped = STATE_BY_BULLMQ[bullState] ?? 'queued';
  const cancelled = failure?.code === 'cancelled' || (cancelRequested && (bullMapped === 'queued' || bullMapped === 'active'));
  const state: JobState = cancelled ? 'cancelled' : bullMapped;
  const files = Array.isArray(job.data?.files) ? new Set(job.data.files.map((f: { url: string }) => f.url)).size : 0;
  // Before the worker's first progress report, an ingest counts its URLs as sent (duplicates are folded later).
  const total = files || (Array.isArray(job.data?.urls) ? job.data.urls.length : 0);
  const doc: JobDocument = {
    id: job.id!,
    type,
    state,
    createdAt: iso(job.timestamp)!,
    startedAt: iso(job.processedOn),
    finishedAt: bullMapped === 'completed' || bullMapped === 'failed' ? iso(job.finishedOn) : undefined,
    attempts: job.attemptsStarted,
    progress: progressOf(job, total),
  };
  if (state === 'completed' && type === 'zip') {
    const result = zipJobResultSchema.parse(job.returnvalue);
    doc.result = { downloadUrl: await downloadUrl(store, result.key, result.filename, result.expiresAt, now), ...result };
  }
  if (state === 'completed' && type === 'ingest') doc.result = ingestJobResultSchema.parse(job.returnvalue);
  if (failure) doc.error = failure;
  return doc;
}
