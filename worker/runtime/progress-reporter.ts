import type { JobProgress } from '../../shared/jobs/common.js';
import type { ProgressSink } from './progress-sink.js';

/**
 * Keeps a job's progress and writes it to Redis at most every `intervalMs` (one write per chunk would swamp
 * Redis on big jobs). `flush()` writes the latest state now.
 */
export class ProgressReporter implements ProgressSink {
  readonly state: JobProgress;
  private last = 0;
  private pending?: NodeJS.Timeout;

  constructor(
    filesTotal: number,
    private readonly write: (p: JobProgress) => Promise<unknown>,
    private readonly intervalMs = 500,
  ) {
    this.state = { filesTotal, filesDone: 0, filesFailed: 0, bytesDownloaded: 0 };
  }

  bytes(n: number): void {
    this.state.bytesDownloaded += n;
    this.schedule();
  }

  fileDone(failed: boolean): void {
    if (failed) this.state.filesFailed++;
    else this.state.filesDone++;
    this.schedule();
  }

  async flush(): Promise<void> {
    clearTimeout(this.pending);
    this.pending = undefined;
    this.last = Date.now();
    await this.write({ ...this.state });
  }

  stop(): void {
    clearTimeout(this.pending);
    this.pending = undefined;
  }

  private schedule(): void {
    if (this.pending) return;
    const wait = Math.max(0, this.last + this.intervalMs - Date.now());
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.last = Date.now();
      this.write({ ...this.state }).catch(() => undefined);
    }, wait);
    this.pending.unref();
  }
}
