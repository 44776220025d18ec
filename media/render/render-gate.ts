import { AppError } from '../../shared/errors/app-error.js';

/** Seconds a client is asked to wait when every render slot is taken. */
export const BUSY_RETRY_AFTER_SECONDS = 1;

/**
 * Bounds renders in flight (`concurrency` running, `queue` waiting; beyond that 503 + Retry-After) and renders
 * a key once per process: a request for a key already rendering waits for that render instead of starting one.
 */
export class RenderGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private started = 0;

  constructor(
    private readonly concurrency: number,
    private readonly queue: number,
  ) {}

  /** Renders running and waiting for a slot now, and renders started since the process began. */
  get load(): { running: number; waiting: number; started: number } {
    return { running: this.running, waiting: this.waiting.length, started: this.started };
  }

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const pending = this.inFlight.get(key) as Promise<T> | undefined;
    if (pending) return pending;
    if (this.running >= this.concurrency && this.waiting.length >= this.queue) {
      throw new AppError('media_busy', 'Every render slot is taken: retry shortly', {
        details: { retryAfter: BUSY_RETRY_AFTER_SECONDS },
      });
    }
    this.started++;
    const task = this.withSlot(work).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, task);
    return task;
  }

  private async withSlot<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await work();
    } finally {
      // The slot passes straight to the next waiter (running stays the same), or is given back.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
