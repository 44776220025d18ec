import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { ZipArchive } from 'archiver';
import { ZIP_TAG } from '../../shared/storage/lifecycle.js';
import type { ObjectStore } from '../../shared/storage/object-store.js';

export interface ZipUploadOptions {
  key: string;
  partSize: number;
  signal?: AbortSignal;
}

export interface ZipEntryOptions {
  name: string;
  store: boolean;
  date?: Date;
}

/**
 * One zip archive streamed straight into a multipart upload. archiver does not pass a source's error on and
 * `abort()` would let a truncated archive complete, so every failure goes through `fail()`, which destroys the
 * archive and the upload's body: the upload is then aborted and the first error is the one reported.
 */
export class ZipUpload {
  private readonly archive = new ZipArchive({ zlib: { level: 6 } });
  // lib-storage refuses archiver's readable-stream based output; a core PassThrough is accepted.
  private readonly body = new PassThrough();
  private readonly uploaded: Promise<unknown>;
  private readonly failed: Promise<never>;
  private rejectFailed!: (err: unknown) => void;
  private firstError: unknown;

  constructor(store: ObjectStore, { key, partSize, signal }: ZipUploadOptions) {
    this.failed = new Promise<never>((_, reject) => (this.rejectFailed = reject));
    this.failed.catch(() => undefined);
    this.archive.on('error', (err) => this.fail(err));
    this.archive.on('warning', (err) => this.fail(err));
    this.archive.pipe(this.body);
    this.uploaded = store.uploadStream({
      key,
      body: this.body,
      contentType: 'application/zip',
      // The bucket's lifecycle rule expires archives by this tag (shared/storage/lifecycle.ts).
      tags: { [ZIP_TAG.key]: ZIP_TAG.value },
      partSize,
      queueSize: 2,
      signal,
    });
    this.uploaded.catch((err: unknown) => this.fail(err));
  }

  /** Bytes of archive written so far. */
  get size(): number {
    return this.archive.pointer();
  }

  /** Appends one entry and resolves once archiver has written it, so entries are fed with backpressure. */
  async append(source: Readable | Buffer, entry: ZipEntryOptions): Promise<void> {
    this.throwIfFailed();
    if (!Buffer.isBuffer(source)) source.once('error', (err) => this.fail(err));
    const written = once(this.archive, 'entry');
    this.archive.append(source, { name: entry.name, store: entry.store, date: entry.date ?? new Date() });
    await this.orFirstError(Promise.race([written, this.failed]));
  }

  /** Writes the central directory and waits for the upload to complete; returns the archive's size. */
  async finish(): Promise<number> {
    this.throwIfFailed();
    // finalize() never settles once the upload has failed: only the upload's outcome is awaited.
    this.archive.finalize().catch((err: unknown) => this.fail(err));
    await this.orFirstError(Promise.race([this.uploaded, this.failed]));
    return this.archive.pointer();
  }

  /** Stops the archive and aborts the upload; the first error given is the one every waiter sees. */
  fail(err: unknown): void {
    if (this.firstError !== undefined) return;
    this.firstError = err;
    this.rejectFailed(err);
    const error = err instanceof Error ? err : new Error(String(err));
    this.archive.destroy(error);
    this.body.destroy(error);
  }

  /** Resolves once the upload has settled (after fail(), once its abort has been tried). */
  async settled(): Promise<void> {
    await this.uploaded.catch(() => undefined);
  }

  private async orFirstError(p: Promise<unknown>): Promise<void> {
    try {
      await p;
    } catch (err) {
      throw this.firstError ?? err;
    }
  }

  private throwIfFailed(): void {
    // Narrowed to `{} | null`, which the rule takes for a non-error; it is what fail() was given, rethrown as is.
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    if (this.firstError !== undefined) throw this.firstError;
  }
}
