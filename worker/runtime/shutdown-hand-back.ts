import { Worker, type Job, type Processor } from 'bullmq';
import type { Logger } from '../../shared/logger.js';

/** The abort reason of jobs stopped by the shutdown deadline (beside `cancelled`, a client's request). */
export const SHUTDOWN_REASON = 'shutdown';

/**
 * Hands running jobs back to the queue when the shutdown deadline passes. The jobs are aborted through their
 * BullMQ signal; a job that unwinds because of it is not failed (nor counted as an attempt, nor announced by a
 * `job.failed` webhook: defineProcessor rethrows a shutdown abort before its final-state listener) but thrown back as BullMQ's rate-limit error, which moves it from active back to wait
 * at once, so another worker takes it without waiting for its lock to expire.
 */
export class ShutdownHandBack {
  private started = false;

  constructor(private readonly logger: Logger) {}

  /** From now on, jobs whose signal is aborted are handed back instead of failing. */
  start(): void {
    this.started = true;
  }

  private handsBack(signal: AbortSignal | undefined): boolean {
    return this.started && signal?.aborted === true && signal.reason === SHUTDOWN_REASON;
  }

  wrap<D, R>(processor: Processor<D, R>): Processor<D, R> {
    // Three parameters: BullMQ passes the abort signal only to processors that declare it.
    return async (job: Job<D, R>, token?: string, signal?: AbortSignal) => {
      try {
        return await processor(job, token, signal);
      } catch (err) {
        if (!this.handsBack(signal)) throw err;
        this.logger.warn({ jobId: job.id, queue: job.queueName }, 'job aborted by the shutdown deadline: handed back');
        throw Worker.RateLimitError();
      }
    };
  }
}
