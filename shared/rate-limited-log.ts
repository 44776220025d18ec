import type { Logger } from './logger.js';

/**
 * At most one log line per `intervalMs` for a recurring error, with how many were left out in between, instead
 * of one line per occurrence (tens of thousands a second when a loop spins on it, one per reconnection per
 * Redis handle during an outage).
 */
export class RateLimitedLog {
  private last = 0;
  private suppressed = 0;

  constructor(
    private readonly logger: Logger,
    private readonly message: string,
    private readonly intervalMs = 10_000,
  ) {}

  /** Logs `err` now or counts it for the next line. */
  error(err: Error, fields: Record<string, unknown> = {}): void {
    const now = Date.now();
    if (now - this.last < this.intervalMs) {
      this.suppressed++;
      return;
    }
    this.logger.error({ ...fields, err, suppressedSinceLastLine: this.suppressed }, this.message);
    this.last = now;
    this.suppressed = 0;
  }
}
