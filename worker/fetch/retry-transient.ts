import { FetchError } from '../../shared/errors/app-error.js';
import { retry, type RetryOptions } from '../../shared/retry.js';

/** Runs `fn` again after transient FetchErrors (timeouts, resets, 5xx); permanent ones are thrown at once. */
export function retryTransient<T>(fn: () => Promise<T>, o: RetryOptions): Promise<T> {
  return retry(fn, (err) => err instanceof FetchError && !err.permanent, o);
}
