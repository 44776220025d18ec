import { duplicateRedis, type RedisClient } from './redis-topology.js';

/**
 * Cancellation requests shared by API and workers through Redis: a key that says "cancel" (read by a worker
 * before it starts a job) and a pub/sub message that reaches the worker already running it.
 */
export class Cancellations {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    /** How long the request is kept: as long as the job stays readable. */
    private readonly ttlSeconds: number,
  ) {}

  private key(jobId: string): string {
    return `${this.prefix}:cancel:${jobId}`;
  }

  private get channel(): string {
    return `${this.prefix}:cancellations`;
  }

  /** The key is set before the message goes out, so a worker that misses the message still sees the key. */
  async request(jobId: string): Promise<void> {
    await this.redis.set(this.key(jobId), '1', 'EX', this.ttlSeconds);
    await this.redis.publish(this.channel, jobId);
  }

  async isRequested(jobId: string): Promise<boolean> {
    return (await this.redis.exists(this.key(jobId))) === 1;
  }

  /** Calls `onCancel` for every request published from now on; resolves with a function that stops listening. */
  async subscribe(onCancel: (jobId: string) => void, onError?: (err: Error) => void): Promise<() => Promise<void>> {
    const sub = duplicateRedis(this.redis);
    // ioredis reconnects and resubscribes by itself; without a listener each failed attempt prints raw on stderr.
    sub.on('error', (err: Error) => onError?.(err));
    sub.on('message', (_channel: string, jobId: string) => onCancel(jobId));
    await sub.subscribe(this.channel);
    return async () => {
      await sub.quit().catch(() => sub.disconnect());
    };
  }
}
