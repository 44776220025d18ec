import { setTimeout as sleep } from 'node:timers/promises';
import { FetchError } from '../../shared/errors/app-error.js';

export interface RetryOptions {
  /** Total tries, the first included. */
  attempts: number;
  baseDelayMs: number;
  signal?: AbortSignal;
}

/** Delay before retry `n` (1-based): exponential with full jitter. */
export function retryDelay(n: number, baseDelayMs: number): number {
  return Math.round(baseDelayMs * 2 ** (n - 1) * (0.5 + Math.random() / 2));
}

/** Runs `fn` again after transient FetchErrors (timeouts, resets, 5xx); permanent ones are thrown at once. */
export async function retryTransient<T>(fn: () => Promise<T>, o: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const transient = err instanceof FetchError && !err.permanent;
      if (!transient || attempt >= o.attempts || o.signal?.aborted) throw err;
      await sleep(retryDelay(attempt, o.baseDelayMs), undefined, { signal: o.signal });
    }
  }
}
