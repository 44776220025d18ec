import { QueueEvents } from 'bullmq';
import type { JobType } from '../../shared/jobs/registry.js';
import type { Logger } from '../../shared/logger.js';
import type { RedisClient } from '../../shared/redis-topology.js';

/** Called when something happened to a job: re-read it. */
type Wake = () => void;

/**
 * The job events of this API process: ONE BullMQ QueueEvents per job queue, created on the first subscriber and
 * closed with the process, fanned out to the SSE streams by job id. A stream is woken when its job moves
 * (`active`, `progress`, `completed`, `failed`) instead of re-reading the job on a timer.
 */
export class JobEventHub {
  private readonly events = new Map<
    JobType,
    { queueEvents: QueueEvents; connection: RedisClient; ready: Promise<void> }
  >();
  private readonly wakers = new Map<string, Set<Wake>>();
  private closed = false;

  constructor(
    private readonly prefix: string,
    /** A new connection of its own for each QueueEvents: it blocks on XREAD. */
    private readonly connect: () => RedisClient,
    private readonly logger: Logger,
  ) {}

  /**
   * Calls `wake` whenever job `id` of queue `type` moves; resolves, once the queue's events are being read, with a
   * function that stops. A QueueEvents reads from "now": read the job AFTER subscribing, not before.
   */
  async subscribe(type: JobType, id: string, wake: Wake): Promise<() => void> {
    const set = this.wakers.get(id) ?? new Set<Wake>();
    set.add(wake);
    this.wakers.set(id, set);
    const unsubscribe = () => {
      set.delete(wake);
      if (set.size === 0 && this.wakers.get(id) === set) this.wakers.delete(id);
    };
    try {
      await this.queueEvents(type);
    } catch (err) {
      // Redis away: the stream's slow safety re-read still sees the job move.
      this.logger.warn({ err }, 'job events unavailable');
    }
    return unsubscribe;
  }

  private queueEvents(type: JobType): Promise<void> {
    if (this.closed) return Promise.resolve();
    let entry = this.events.get(type);
    if (!entry) {
      const connection = this.connect();
      const queueEvents = new QueueEvents(type, { connection, prefix: this.prefix });
      queueEvents.on('error', (err) => this.logger.warn({ err }, 'job events error'));
      const wakeJob = ({ jobId }: { jobId: string }) => {
        for (const wake of this.wakers.get(jobId) ?? []) wake();
      };
      for (const event of ['active', 'progress', 'completed', 'failed'] as const) queueEvents.on(event, wakeJob);
      entry = { queueEvents, connection, ready: queueEvents.waitUntilReady().then(() => undefined) };
      this.events.set(type, entry);
    }
    return entry.ready;
  }

  /** Stops reading events (on shutdown); wakes every stream so that it ends its loop. */
  async close(): Promise<void> {
    this.closed = true;
    for (const set of this.wakers.values()) for (const wake of set) wake();
    const entries = [...this.events.values()];
    this.events.clear();
    await Promise.all(
      entries.map(async ({ queueEvents, connection }) => {
        await queueEvents.close().catch(() => undefined);
        await connection.quit().catch(() => connection.disconnect());
      }),
    );
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
