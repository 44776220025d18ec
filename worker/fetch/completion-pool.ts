export interface Settled<I, O> {
  index: number;
  item: I;
  result: PromiseSettledResult<O>;
  /** Frees the slot so the next item starts; call it once the result has been consumed (its temp file used). */
  release(): void;
}

/**
 * Runs `task` over `items` with at most `limit` at once and yields each outcome as it completes. A slot is held
 * until the consumer releases it, which bounds both the downloads in flight and the finished files waiting
 * (on disk) for their turn in the archive.
 */
export class CompletionPool<I, O> {
  private next = 0;
  private held = 0;
  private readonly ready: Settled<I, O>[] = [];
  private readonly running = new Set<Promise<unknown>>();
  private wake?: () => void;
  private stopped = false;

  constructor(
    private readonly items: readonly I[],
    private readonly limit: number,
    private readonly task: (item: I, index: number) => Promise<O>,
  ) {}

  async *results(): AsyncGenerator<Settled<I, O>, void, undefined> {
    this.fill();
    for (let yielded = 0; yielded < this.items.length; yielded++) {
      while (this.ready.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
      yield this.ready.shift()!;
    }
  }

  /** Starts nothing more; resolves once every task already started has settled. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.running]);
  }

  private fill(): void {
    while (!this.stopped && this.held < this.limit && this.next < this.items.length) {
      const index = this.next++;
      const item = this.items[index]!;
      this.held++;
      const run = this.task(item, index).then(
        (value): PromiseSettledResult<O> => ({ status: 'fulfilled', value }),
        (reason: unknown): PromiseSettledResult<O> => ({ status: 'rejected', reason }),
      );
      this.running.add(run);
      void run.then((result) => {
        this.running.delete(run);
        this.ready.push({ index, item, result, release: this.releaser() });
        this.wake?.();
      });
    }
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held--;
      this.fill();
    };
  }
}
