import type { Logger } from '../../shared/logger.js';
import type { ObjectStore } from '../../shared/storage/object-store.js';

export interface UploadJanitorOptions {
  store: ObjectStore;
  /** S3_KEY_PREFIX: ferry's keys are `<prefix>/<tenant>/(zips|media)/...` ('' = no prefix). */
  keyPrefix: string;
  /** Uploads started longer ago than this are aborted; it must exceed the longest job. */
  maxAgeMs: number;
  /** Time between runs; 0 runs once (at start) only. */
  intervalMs: number;
  logger: Logger;
}

/**
 * Aborts multipart uploads that nothing will finish: an archive whose job failed while S3 was down for longer
 * than the retries (the abort failed too), or whose worker died and whose job was never run again. A bucket
 * lifecycle rule does this where the store has one; s3rver and some other stores have none, so every worker
 * runs this at start and every `intervalMs`. Several workers doing it at once is harmless (an abort of an upload
 * already gone is a no-op); an upload younger than `maxAgeMs` is never touched, so running jobs are safe.
 */
export class UploadJanitor {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private readonly ours: RegExp;

  constructor(private readonly options: UploadJanitorOptions) {
    const prefix = options.keyPrefix === '' ? '' : `${escape(options.keyPrefix)}/`;
    this.ours = new RegExp(`^${prefix}[^/]+/(zips|media)/`);
  }

  /** One pass now, then one every `intervalMs`. Errors are logged, never thrown. */
  start(): void {
    const pass = () =>
      void this.runOnce().catch((err: unknown) => this.options.logger.warn({ err }, 'upload janitor failed'));
    pass();
    if (this.options.intervalMs > 0) this.timer = setInterval(pass, this.options.intervalMs).unref();
  }

  /** Aborts the stale uploads; resolves with how many. One pass at a time. */
  runOnce(): Promise<number> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<number> {
    const { store, keyPrefix, maxAgeMs, logger } = this.options;
    const cutoff = Date.now() - maxAgeMs;
    let aborted = 0;
    for await (const upload of store.listIncompleteUploads(keyPrefix === '' ? '' : `${keyPrefix}/`)) {
      if (!this.ours.test(upload.key)) continue;
      // An upload whose start the store does not tell is left to the lifecycle rule: it could be running.
      if (upload.initiated === undefined || upload.initiated.getTime() > cutoff) continue;
      await store.abortUpload(upload);
      aborted++;
    }
    if (aborted > 0) logger.warn({ aborted, maxAgeMs }, 'upload janitor aborted multipart uploads nothing will finish');
    return aborted;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
