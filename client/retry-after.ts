/**
 * Milliseconds to wait before retrying, from a `Retry-After` header (delta-seconds or an HTTP date), else an
 * exponential fallback; never more than `maxMs`.
 */
export function retryDelayMs(header: string | null, attempt: number, maxMs: number, now = Date.now()): number {
  let ms: number | undefined;
  if (header !== null && /^\s*\d+\s*$/.test(header)) ms = Number(header) * 1000;
  else if (header !== null) {
    const at = Date.parse(header);
    if (!Number.isNaN(at)) ms = Math.max(0, at - now);
  }
  ms ??= 500 * 2 ** attempt;
  return Math.min(ms, maxMs);
}

/** Resolves after `ms`, or rejects with the signal's reason once it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
