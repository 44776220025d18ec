import { UnrecoverableError, type Job } from 'bullmq';
import type { Cancellations } from '../../shared/cancellations.js';
import type { JobOutcome, WorkerMetrics } from '../../shared/worker-metrics.js';
import type { z } from 'zod';
import { AppError, FetchError } from '../../shared/errors.js';
import { formatFailure } from '../../shared/job-failure.js';
import type { QueueName } from '../../shared/jobs.js';
import type { Logger } from '../../shared/logger.js';
import type { FinalStateListener } from '../webhook/queue-delivery.js';
import { ProgressReporter } from './progress-reporter.js';

/**
 * Turns an error into what BullMQ should do with the job: permanent failures (a URL that will never work,
 * every URL failed, invalid data) end it at once; anything else is rethrown so attempts and backoff apply.
 */
export function toJobError(err: unknown): Error {
  if (err instanceof FetchError) {
    const message = formatFailure(err.code, `${err.url}: ${err.message}`);
    return err.permanent ? new UnrecoverableError(message) : new Error(message, { cause: err });
  }
  if (err instanceof AppError) return new UnrecoverableError(formatFailure(err.code, err.message));
  const message = err instanceof Error ? err.message : String(err);
  return new Error(formatFailure('internal_error', message), { cause: err });
}

export interface JobContext<D> {
  jobId: string;
  data: D;
  progress: ProgressReporter;
  logger: Logger;
  signal?: AbortSignal;
}

export interface ProcessorDefinition<S extends z.ZodType, R> {
  queue: QueueName;
  schema: S;
  /** Files the job will report progress on. */
  filesTotal(data: z.infer<S>): number;
  run(ctx: JobContext<z.infer<S>>): Promise<R>;
  /** Bytes the job stored in S3 (for metrics). */
  bytesUploaded(result: R): number;
  /** Fields of the result worth a log line. */
  summary(result: R): Record<string, unknown>;
}

/** Whether BullMQ will give up on the job after this error rather than try it again. */
function isFinalFailure(job: Job, err: Error): boolean {
  return err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/**
 * The part every processor shares: parse the payload with the contract's schema (a bad payload fails for
 * good), log with the job id and tenant, report progress, map errors to retry-or-not, and tell `onFinal`
 * (webhook deliveries) once the job is done for good. `onFinal` runs before BullMQ records the outcome, so a
 * crash in between re-runs the job rather than losing the notification.
 */
export interface ProcessorHooks {
  /** Hears jobs that are done for good (queues their webhook deliveries). */
  onFinal?: FinalStateListener;
  /** Cancellation requests (DELETE /v1/jobs/:id); a cancelled job fails with code `cancelled`, no webhook. */
  cancellations?: Cancellations;
  /** Fleet-wide counters (served by the API's /metrics). */
  metrics?: WorkerMetrics;
}

const cancelled = (when: string) => new UnrecoverableError(formatFailure('cancelled', `Cancelled by the client ${when}`));

export function defineProcessor<S extends z.ZodType<{ tenant: string }>, R>(
  logger: Logger,
  def: ProcessorDefinition<S, R>,
  { onFinal, cancellations, metrics }: ProcessorHooks = {},
) {
  return async function process(job: Job, _token?: string, signal?: AbortSignal): Promise<R> {
    const started = Date.now();
    const record = (outcome: JobOutcome, bytesDownloaded: number, bytesUploaded: number) =>
      metrics
        ?.jobFinished({ type: def.queue, outcome, seconds: (Date.now() - started) / 1000, bytesDownloaded, bytesUploaded })
        .catch(() => undefined);
    // Checked after BullMQ registered the job for cancelJob(), so a request is either seen here or delivered.
    if (await cancellations?.isRequested(job.id!)) throw cancelled('before it started');
    const parsed = def.schema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(formatFailure('invalid_job', parsed.error.message));
    const data = parsed.data;
    const log = logger.child({ jobId: job.id, tenant: data.tenant, queue: def.queue });
    const progress = new ProgressReporter(def.filesTotal(data), (p) => job.updateProgress(p));
    log.info({ attempt: job.attemptsStarted }, 'job started');
    let result: R;
    try {
      await progress.flush();
      result = await def.run({ jobId: job.id!, data, progress, logger: log, signal });
      await progress.flush();
    } catch (err) {
      await progress.flush().catch(() => undefined);
      if (signal?.aborted && (await cancellations?.isRequested(job.id!))) {
        log.info('job cancelled');
        await record('cancelled', progress.state.bytesDownloaded, 0);
        throw cancelled('while it ran');
      }
      log.warn({ err }, 'job failed');
      const jobError = toJobError(err);
      if (isFinalFailure(job, jobError)) await record('failed', progress.state.bytesDownloaded, 0);
      if (onFinal && isFinalFailure(job, jobError)) {
        await onFinal(job, 'job.failed').catch((e: unknown) => log.error({ err: e }, 'could not queue the webhook'));
      }
      throw jobError;
    } finally {
      progress.stop();
    }
    // Outside the try: if this cannot be queued, the job is retried instead of completing silently.
    await onFinal?.(job, 'job.completed');
    await record('completed', progress.state.bytesDownloaded, def.bytesUploaded(result));
    log.info(def.summary(result), 'job completed');
    return result;
  };
}
