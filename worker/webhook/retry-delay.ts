import type { MinimalJob } from 'bullmq';
import type { ErrorCode } from '../../shared/errors/codes.js';
import { RetryJobError } from '../runtime/job-errors.js';

/** The longest wait a `Retry-After` may ask for; anything longer is read as this. */
const MAX_RETRY_AFTER_MS = 6 * 3600_000;

/**
 * `Retry-After` as milliseconds from `now`: delta seconds or an HTTP date; undefined when absent or unreadable.
 * Capped, so a receiver cannot park a delivery for months.
 */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  let ms: number;
  if (/^\d+$/.test(trimmed)) ms = Number(trimmed) * 1000;
  else {
    // Date.parse is lenient ("-5" is a year); an HTTP date always names its weekday and month.
    const date = /[a-z]/i.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
    if (Number.isNaN(date)) return undefined;
    ms = date - now;
  }
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}

/** Thrown for a delivery worth retrying; carries the receiver's `Retry-After`, if it sent one. */
export class WebhookRetryError extends RetryJobError {
  readonly retryAfterMs?: number;

  constructor(code: ErrorCode, message: string, retryAfterMs?: number, cause?: unknown) {
    super(code, message, { cause });
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * Delay before retry number `attemptsMade`: `baseMs` doubled per attempt, spread over 80-120% so that
 * deliveries failed together do not come back together, and never sooner than the receiver's `Retry-After`.
 */
export function webhookRetryDelay(
  attemptsMade: number,
  baseMs: number,
  retryAfterMs?: number,
  random = Math.random,
): number {
  const exponential = baseMs * 2 ** Math.max(0, attemptsMade - 1);
  const jittered = Math.round(exponential * (0.8 + 0.4 * random()));
  return Math.max(jittered, retryAfterMs ?? 0);
}

/** The webhook Worker's `settings.backoffStrategy` (backoff type `webhook`, see shared/queues.ts). */
export function webhookBackoffStrategy(attemptsMade: number, _type?: string, err?: Error, job?: MinimalJob): number {
  const backoff = job?.opts.backoff;
  const base = typeof backoff === 'object' && backoff.delay !== undefined ? backoff.delay : 5000;
  return webhookRetryDelay(attemptsMade, base, err instanceof WebhookRetryError ? err.retryAfterMs : undefined);
}
