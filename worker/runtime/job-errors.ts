import { UnrecoverableError } from 'bullmq';
import { AppError, FetchError } from '../../shared/errors/app-error.js';
import { ERROR_CODES, type ErrorCode } from '../../shared/errors/codes.js';
import { formatFailure } from '../../shared/errors/job-failure.js';
import { isStorageOutage, sdkAttempts } from '../../shared/storage/storage-errors.js';

/** A failure already encoded for the queue (`code: message`) that attempts and backoff should retry. */
export class RetryJobError extends Error {
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(formatFailure(code, message), options);
    this.name = new.target.name;
  }
}

/** A failure that ends the job for good: BullMQ makes no further attempt. */
export function failJob(code: ErrorCode, message: string): UnrecoverableError {
  return new UnrecoverableError(formatFailure(code, message));
}

/** Whether another attempt could help, by the list of codes (a FetchError knows it for its own URL). */
function retries(err: AppError): boolean {
  if (err instanceof FetchError) return !err.permanent;
  return ERROR_CODES[err.code].retry === 'yes';
}

/**
 * Turns an error into what BullMQ should do with the job: permanent failures (a URL that will never work,
 * every URL failed, invalid data) end it at once; anything else is retried so attempts and backoff apply. A
 * storage outage (S3/DynamoDB away, 5xx, throttling) is named as such rather than as an internal error.
 */
export function toJobError(err: unknown): Error {
  if (err instanceof UnrecoverableError || err instanceof RetryJobError) return err;
  if (err instanceof AppError) {
    const message = err instanceof FetchError ? `${err.url}: ${err.message}` : err.message;
    return retries(err) ? new RetryJobError(err.code, message, { cause: err }) : failJob(err.code, message);
  }
  const message = err instanceof Error ? err.message : String(err);
  if (isStorageOutage(err)) {
    const attempts = sdkAttempts(err);
    const tried = attempts === undefined ? '' : ` (${attempts} ${attempts === 1 ? 'try' : 'tries'})`;
    return new RetryJobError('storage_unavailable', `Storage unreachable${tried}: ${message}`, { cause: err });
  }
  return new RetryJobError('internal_error', message, { cause: err });
}

/** Whether BullMQ will give up on the job after this error rather than try it again. */
export function isFinalFailure(job: { attemptsMade: number; opts: { attempts?: number } }, err: Error): boolean {
  return err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}
