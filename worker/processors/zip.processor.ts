import { UnrecoverableError, type Job } from 'bullmq';
import { AppError, FetchError } from '../../shared/errors.js';
import { formatFailure } from '../../shared/job-failure.js';
import { zipJobDataSchema, type ZipJobResult } from '../../shared/jobs.js';
import { buildZip, type BuildZipDeps } from '../zip/build-zip.js';
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

export function createZipProcessor(deps: BuildZipDeps) {
  return async function processZip(job: Job, _token?: string, signal?: AbortSignal): Promise<ZipJobResult> {
    const parsed = zipJobDataSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(formatFailure('invalid_job', parsed.error.message));
    const data = parsed.data;
    const logger = deps.logger.child({ jobId: job.id, tenant: data.tenant, queue: 'zip' });
    const progress = new ProgressReporter(new Set(data.files.map((f) => f.url)).size, (p) => job.updateProgress(p));
    logger.info({ files: data.files.length, attempt: job.attemptsMade + 1 }, 'zip job started');
    try {
      await progress.flush();
      const result = await buildZip({ ...deps, logger }, { jobId: job.id!, data, progress, signal });
      await progress.flush();
      logger.info({ size: result.size, entries: result.entries.length, failures: result.failures.length }, 'zip job completed');
      return result;
    } catch (err) {
      await progress.flush().catch(() => undefined);
      logger.warn({ err }, 'zip job failed');
      throw toJobError(err);
    } finally {
      progress.stop();
    }
  };
}
