import { Worker, type Job, type Processor, type WorkerOptions } from 'bullmq';
import { isRedisRefusal, RefusalBackoff } from './redis-refusals.js';

/** BullMQ types delay()'s controller with a class of its own (node-abort-controller's). */
type BullAbortController = Parameters<Worker['delay']>[1];

/**
 * A BullMQ Worker that backs off while Redis refuses its writes. BullMQ 6.7 treats every error that is not a
 * lost connection as "emit and fetch again at once", so against a replica (READONLY) or a cluster node
 * (CROSSSLOT) its fetch loop spins at full CPU, and its blocking wait for jobs retries every 100 ms. Those are the two
 * places that loop: every other command (lock renewal, stalled check) runs on its own timer.
 */
export class BackoffWorker extends Worker {
  private readonly backoff = new RefusalBackoff();
  private readonly closingSignal = new AbortController();

  /** When a blocking wait for jobs was last refused (BullMQ reports it as an 'error' event, then delays). */
  private blockingRefusedAt = 0;

  constructor(name: string, processor: Processor, opts: WorkerOptions) {
    super(name, processor, opts);
    this.on('closing', () => this.closingSignal.abort());
    this.on('error', (err) => {
      if (isRedisRefusal(err)) this.blockingRefusedAt = Date.now();
    });
  }

  /**
   * BullMQ's pause after a failed blocking wait (BZPOPMIN refused by a primary demoted to replica) is a fixed
   * 100 ms, with a reconnection each time: stretched to the backoff while Redis refuses.
   */
  override async delay(milliseconds?: number, abortController?: BullAbortController): Promise<void> {
    if (this.blockingRefusedAt > 0 && Date.now() - this.blockingRefusedAt < 5000) {
      this.blockingRefusedAt = 0;
      // BullMQ's own AbortController type; at run time it is Node's.
      const signals = [this.closingSignal.signal, ...(abortController ? [abortController.signal as AbortSignal] : [])];
      return this.backoff.refused(AbortSignal.any(signals), milliseconds);
    }
    return super.delay(milliseconds, abortController);
  }

  protected override async moveToActive(token: string, name?: string): Promise<Job> {
    try {
      const job = await super.moveToActive(token, name);
      this.backoff.succeeded();
      return job;
    } catch (err) {
      if (isRedisRefusal(err)) await this.backoff.refused(this.closingSignal.signal);
      throw err;
    }
  }
}
