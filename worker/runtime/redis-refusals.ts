import type { Logger } from '../../shared/logger.js';

/**
 * Replies of a Redis that is up but will not take ferry's writes: a replica (READONLY), a cluster node asked
 * about keys of several slots (CROSSSLOT) or of another node (MOVED/ASK, CLUSTERDOWN, TRYAGAIN), a server still
 * loading its data (LOADING) or a replica cut off from its primary (MASTERDOWN). Retrying at once cannot help.
 */
const REFUSAL = /\b(READONLY|CROSSSLOT|LOADING|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|MOVED|ASK)\b/;

export function isRedisRefusal(err: unknown): boolean {
  return err instanceof Error && REFUSAL.test(err.message);
}

/**
 * One log line per `intervalMs` for refused Redis commands, with how many were refused in between, instead of
 * one line per refusal (tens of thousands a second when a worker spins on them).
 */
export class RedisRefusalLog {
  private last = 0;
  private suppressed = 0;

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs = 10_000,
  ) {}

  /** Logs `err` now or counts it for the next line. */
  refused(err: Error, fields: Record<string, unknown> = {}): void {
    const now = Date.now();
    if (now - this.last < this.intervalMs) {
      this.suppressed++;
      return;
    }
    this.logger.error(
      { ...fields, err, refusedSinceLastLine: this.suppressed },
      "Redis refuses ferry's writes (replica, cluster slot or loading?): backing off",
    );
    this.last = now;
    this.suppressed = 0;
  }
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
  async refused(signal: AbortSignal): Promise<void> {
    this.nextMs = this.nextMs === 0 ? this.firstMs : Math.min(this.nextMs * 2, this.maxMs);
    if (signal.aborted) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.nextMs);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
