/**
 * Replies of a Redis that is up but will not take ferry's writes: a replica (READONLY), a cluster node asked
 * about keys of several slots (CROSSSLOT) or of another node (MOVED/ASK, CLUSTERDOWN, TRYAGAIN), a server still
 * loading its data (LOADING) or a replica cut off from its primary (MASTERDOWN). Retrying at once cannot help.
 */
const REFUSAL = /\b(READONLY|CROSSSLOT|LOADING|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|MOVED|ASK)\b/;

export function isRedisRefusal(err: unknown): boolean {
  return err instanceof Error && REFUSAL.test(err.message);
}

/** Exponential backoff while Redis refuses: 1 s, 2 s, 4 s... up to `maxMs`; back to none after a success. */
export class RefusalBackoff {
  private nextMs = 0;

  constructor(
    private readonly firstMs = 1000,
    private readonly maxMs = 15_000,
  ) {}

  succeeded(): void {
    this.nextMs = 0;
  }

  /** Waits before the next try (resolves early when `signal` aborts: the worker is closing). */
  async refused(signal: AbortSignal, atLeastMs = 0): Promise<void> {
    this.nextMs = this.nextMs === 0 ? this.firstMs : Math.min(this.nextMs * 2, this.maxMs);
    if (signal.aborted) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.max(this.nextMs, atLeastMs));
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
