import type { Job } from 'bullmq';
import type { z } from 'zod';
import type { Cancellations } from '../../shared/cancellations.js';
import type { Logger } from '../../shared/logger.js';
import type { QueueName } from '../../shared/queues.js';
import type { JobOutcome, WorkerMetrics } from '../../shared/worker-metrics.js';
import type { FinalStateListener } from './final-state.js';
import { failJob, isFinalFailure, toJobError } from './job-errors.js';
import { ProgressReporter } from './progress-reporter.js';
import { SHUTDOWN_REASON } from './shutdown-hand-back.js';

export interface JobContext<D> {
  jobId: string;
  data: D;
  progress: ProgressReporter;
  logger: Logger;
  /** Aborted when the job is cancelled or the worker shuts down. */
  signal?: AbortSignal;
  /** The BullMQ job, for processors that read its attempts or report progress of their own. */
  job: Job;
}

/** What makes one queue's processor: its payload schema, its work, and what to log and count of it. */
export interface ProcessorDefinition<D, R> {
  queue: QueueName;
  schema: z.ZodType<D>;
  /** Files the job reports progress on; omitted for jobs that report none (webhook deliveries). */
  filesTotal?(data: D): number;
  run(ctx: JobContext<D>): Promise<R>;
  /** Fields of every log line of the job, beside the job id and queue (default: the tenant). */
  logFields?(data: D): Record<string, unknown>;
  /** Bytes the job stored in S3 (for metrics; jobs without it are not counted as job outcomes). */
  bytesUploaded?(result: R): number;
  /** Fields of the result worth a log line. */
  summary?(result: R): Record<string, unknown>;
  /** Hears every failed attempt, after the error is mapped (`final`: BullMQ will not try again). */
  onAttemptFailed?(err: Error, final: boolean, ctx: JobContext<D>): Promise<void>;
}

/** The plumbing a composition root gives every processor. */
export interface ProcessorRuntime {
  logger: Logger;
  /** Hears jobs that are done for good (queues their webhook deliveries). */
  onFinal?: FinalStateListener;
  /** Cancellation requests (DELETE /v1/jobs/:id); a cancelled job fails with code `cancelled` (`job.cancelled`). */
  cancellations?: Cancellations;
  /** Fleet-wide counters (served by the API's /metrics). */
  metrics?: WorkerMetrics;
}

const cancelled = (when: string) => failJob('cancelled', `Cancelled by the client ${when}`);

/**
 * The part every processor shares: parse the payload with the contract's schema (a bad payload fails for
 * good), log with the job id, report progress, map errors to retry-or-not, count outcomes, and tell `onFinal`
 * (webhook deliveries) once the job is done for good (completed, failed for good, or cancelled). `onFinal` runs before BullMQ records the outcome, so a
 * crash in between re-runs the job rather than losing the notification.
 */
export function defineProcessor<D extends { tenant: string }, R>(
  def: ProcessorDefinition<D, R>,
  { logger, onFinal, cancellations, metrics }: ProcessorRuntime,
) {
  return async function process(job: Job, _token?: string, signal?: AbortSignal): Promise<R> {
    const started = Date.now();
    const counted = def.bytesUploaded !== undefined;
    const record = (outcome: JobOutcome, bytesDownloaded: number, bytesUploaded: number) =>
      counted
        ? metrics
            ?.jobFinished({
              type: def.queue,
              outcome,
              seconds: (Date.now() - started) / 1000,
              bytesDownloaded,
              bytesUploaded,
            })
            .catch(() => undefined)
        : undefined;
    // A cancelled job is failed for good: its webhook says so, or its webhook state would stay pending forever.
    const cancel = async (when: string, log: Logger) => {
      await onFinal?.(job, 'job.cancelled').catch((e: unknown) => log.error({ err: e }, 'could not queue the webhook'));
      return cancelled(when);
    };
    // Checked after BullMQ registered the job for cancelJob(), so a request is either seen here or delivered.
    if (await cancellations?.isRequested(job.id!)) {
      throw await cancel('before it started', logger.child({ jobId: job.id, queue: def.queue }));
    }
    const parsed = def.schema.safeParse(job.data);
    if (!parsed.success) throw failJob('invalid_job', parsed.error.message);
    const data = parsed.data;
    const fields = def.logFields?.(data) ?? { tenant: data.tenant };
    const log = logger.child({ jobId: job.id, queue: def.queue, ...fields });
    const progress = new ProgressReporter(def.filesTotal?.(data) ?? 0, (p) => job.updateProgress(p));
    const reports = def.filesTotal !== undefined;
    const ctx: JobContext<D> = { jobId: job.id!, data, progress, logger: log, signal, job };
    log.info({ attempt: job.attemptsStarted }, 'job started');
    let result: R;
    try {
      if (reports) await progress.flush();
      result = await def.run(ctx);
      if (reports) await progress.flush();
    } catch (err) {
      if (reports) await progress.flush().catch(() => undefined);
      // The shutdown deadline aborted it: the job goes back to the queue (ShutdownHandBack), it did not fail.
      if (signal?.aborted && signal.reason === SHUTDOWN_REASON) {
        log.warn('job interrupted by the shutdown deadline');
        throw err;
      }
      if (signal?.aborted && (await cancellations?.isRequested(job.id!))) {
        log.info('job cancelled');
        await record('cancelled', progress.state.bytesDownloaded, 0);
        throw await cancel('while it ran', log);
      }
      log.warn({ err }, 'job failed');
      const jobError = toJobError(err);
      const final = isFinalFailure(job, jobError);
      await def.onAttemptFailed?.(jobError, final, ctx);
      if (final) await record('failed', progress.state.bytesDownloaded, 0);
      if (onFinal && final) {
        await onFinal(job, 'job.failed').catch((e: unknown) => log.error({ err: e }, 'could not queue the webhook'));
      }
      throw jobError;
    } finally {
      progress.stop();
    }
    // Outside the try: if this cannot be queued, the job is retried instead of completing silently.
    await onFinal?.(job, 'job.completed');
    await record('completed', progress.state.bytesDownloaded, def.bytesUploaded?.(result) ?? 0);
    log.info(def.summary?.(result) ?? {}, 'job completed');
    return result;
  };
}
