import { setTimeout as sleep } from 'node:timers/promises';

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

/** Runs `fn` again after errors `transient` says are passing; any other error is thrown at once. */
export async function retry<T>(
  fn: () => Promise<T>,
  transient: (err: unknown) => boolean,
  o: RetryOptions,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!transient(err) || attempt >= o.attempts || o.signal?.aborted) throw err;
      await sleep(retryDelay(attempt, o.baseDelayMs), undefined, { signal: o.signal });
    }
  }
}
