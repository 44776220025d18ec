import { Worker, type Job, type Processor, type WorkerOptions } from 'bullmq';
import { isRedisRefusal, RefusalBackoff } from './redis-refusals.js';

/**
 * A BullMQ Worker that backs off while Redis refuses its writes. BullMQ 6.7 treats every error that is not a
 * lost connection as "emit and fetch again at once", so against a replica (READONLY) or a cluster node
 * (CROSSSLOT) its fetch loop spins at full CPU. Fetching is the one place that loops: every other command
 * (lock renewal, stalled check) runs on its own timer.
 */
export class BackoffWorker extends Worker {
  private readonly backoff = new RefusalBackoff();
  private readonly closingSignal = new AbortController();

  constructor(name: string, processor: Processor, opts: WorkerOptions) {
    super(name, processor, opts);
    this.on('closing', () => this.closingSignal.abort());
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
