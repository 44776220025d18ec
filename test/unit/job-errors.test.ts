import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { AppError, FetchError } from '../../shared/errors/app-error.js';
import { parseFailure } from '../../shared/errors/job-failure.js';
import { failJob, isFinalFailure, RetryJobError, toJobError } from '../../worker/runtime/job-errors.js';

describe('toJobError', () => {
  it('ends the job for a URL that will never work and retries one that might', () => {
    const gone = toJobError(new FetchError('not_found', 'The server answered 404', 'https://x/a', true));
    expect(gone).toBeInstanceOf(UnrecoverableError);
    expect(parseFailure(gone.message)).toEqual({ code: 'not_found', message: 'https://x/a: The server answered 404' });
    const slow = toJobError(new FetchError('timeout', 'Timed out (read)', 'https://x/b', false));
    expect(slow).toBeInstanceOf(RetryJobError);
    expect(parseFailure(slow.message)?.code).toBe('timeout');
  });

  it('follows the list of codes for other AppErrors, and retries anything unexpected as internal_error', () => {
    expect(toJobError(new AppError('no_files', 'None of the 2 URLs could be fetched'))).toBeInstanceOf(
      UnrecoverableError,
    );
    expect(toJobError(new AppError('internal_error', 'odd'))).toBeInstanceOf(RetryJobError);
    const odd = toJobError(new Error('S3 said no'));
    expect(odd).toBeInstanceOf(RetryJobError);
    expect(parseFailure(odd.message)).toEqual({ code: 'internal_error', message: 'S3 said no' });
  });

  it('names a storage outage (no answer, 5xx, throttling) but not a refusal (403, 404)', () => {
    const sdkError = (name: string, message: string, httpStatusCode?: number) =>
      Object.assign(new Error(message), { name, $metadata: { httpStatusCode, attempts: 3 } });
    const reset = toJobError(sdkError('TimeoutError', 'read ECONNRESET'));
    expect(reset).toBeInstanceOf(RetryJobError);
    expect(parseFailure(reset.message)).toEqual({
      code: 'storage_unavailable',
      message: 'Storage unreachable (3 tries): read ECONNRESET',
    });
    expect(parseFailure(toJobError(sdkError('InternalError', 'We hit a snag', 500)).message)?.code).toBe(
      'storage_unavailable',
    );
    expect(parseFailure(toJobError(sdkError('SlowDown', 'Reduce your rate', 503)).message)?.code).toBe(
      'storage_unavailable',
    );
    expect(parseFailure(toJobError(sdkError('AccessDenied', 'Access Denied', 403)).message)?.code).toBe(
      'internal_error',
    );
    expect(parseFailure(toJobError(new Error('read ECONNRESET')).message)?.code).toBe('internal_error');
  });

  it('reads BullMQ’s stalled-job verdict as worker_lost', () => {
    expect(parseFailure('job stalled more than allowable limit')?.code).toBe('worker_lost');
    expect(parseFailure('job started more than allowable limit')?.code).toBe('worker_lost');
    expect(parseFailure('job stalled, then something')?.code).toBe('internal_error');
  });

  it('leaves errors already encoded for the queue as they are', () => {
    const final = failJob('webhook_gone', 'The receiver answered 410 Gone');
    const retry = new RetryJobError('webhook_http_error', 'The receiver answered 503');
    expect(toJobError(final)).toBe(final);
    expect(toJobError(retry)).toBe(retry);
  });

  it('counts an attempt as the last when the error is final or the attempts are used up', () => {
    const job = (attemptsMade: number) => ({ attemptsMade, opts: { attempts: 3 } });
    expect(isFinalFailure(job(0), failJob('cancelled', 'by the client'))).toBe(true);
    expect(isFinalFailure(job(1), new RetryJobError('timeout', 't'))).toBe(false);
    expect(isFinalFailure(job(2), new RetryJobError('timeout', 't'))).toBe(true);
  });
});
