import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Got } from 'got';
import { ByteBudget } from './byte-budget.js';
import { fetchToFile, type FetchedFile } from './fetch-to-file.js';
import { retryTransient } from './retry-transient.js';

export interface DownloadSettings {
  http: Got;
  tempDir: string;
  fetchRetries: number;
  fetchRetryDelayMs: number;
}

/** What one job may download. */
export interface FetchLimits {
  maxFileBytes: number;
  /** Every file of the job together. */
  maxJobBytes: number;
  /** Media types a file may have, `image/*` style. */
  allowedTypes: string[];
}

export interface JobDownloadsOptions {
  jobId: string;
  limits: FetchLimits;
  /** Hears every chunk's size as it arrives. */
  onBytes: (n: number) => void;
  /** Compute each file's MD5 as well (see DownloadMeter). */
  md5?: boolean;
  /** Compute each file's CRC-32 as well (zip entries). */
  crc32?: boolean;
  /** The job's own signal (cancellation, shutdown). */
  signal?: AbortSignal;
}

/**
 * The downloads of one job: a temp folder of its own, one byte budget for the job's limit, one abort signal
 * for all of them, and whole-file retries of transient failures. `close()` removes every file left.
 */
export class JobDownloads {
  readonly controller = new AbortController();
  private readonly budget: ByteBudget;
  private readonly onOuterAbort: () => void;

  private constructor(
    private readonly settings: DownloadSettings,
    private readonly options: JobDownloadsOptions,
    readonly workDir: string,
  ) {
    this.budget = new ByteBudget(options.limits.maxJobBytes);
    this.onOuterAbort = () => this.controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', this.onOuterAbort, { once: true });
  }

  static async open(settings: DownloadSettings, options: JobDownloadsOptions): Promise<JobDownloads> {
    const workDir = await mkdtemp(join(settings.tempDir, `ferry-${options.jobId}-`));
    return new JobDownloads(settings, options, workDir);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  pathFor(index: number): string {
    return join(this.workDir, String(index));
  }

  /** Downloads `url` to `pathFor(index)`; throws FetchError for a URL that cannot be fetched. */
  download(url: string, index: number): Promise<FetchedFile> {
    const { limits, onBytes } = this.options;
    return retryTransient(
      () =>
        fetchToFile(this.settings.http, {
          url,
          path: this.pathFor(index),
          maxFileBytes: limits.maxFileBytes,
          allowedTypes: limits.allowedTypes,
          budget: this.budget,
          md5: this.options.md5,
          crc32: this.options.crc32,
          signal: this.signal,
          onBytes,
        }),
      { attempts: this.settings.fetchRetries + 1, baseDelayMs: this.settings.fetchRetryDelayMs, signal: this.signal },
    );
  }

  async remove(index: number): Promise<void> {
    await rm(this.pathFor(index), { force: true });
  }

  abort(reason: unknown): void {
    this.controller.abort(reason);
  }

  async close(): Promise<void> {
    this.options.signal?.removeEventListener('abort', this.onOuterAbort);
    await rm(this.workDir, { recursive: true, force: true });
  }
}
