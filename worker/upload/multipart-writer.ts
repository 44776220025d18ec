import type { ObjectStore } from '../../shared/storage/object-store.js';
import { bufferPool } from '../runtime/buffer-pool.js';
import { COPY_BELOW, PartBody, readRange, SharedFile } from './part-body.js';

export interface MultipartWriterOptions {
  key: string;
  contentType: string;
  tags?: Record<string, string>;
  /** Bytes per part (the last part may be shorter). */
  partSize: number;
  /** Parts uploading at once, plus one being filled. */
  partsInFlight: number;
  /** Aborting it fails the writer with its reason. */
  signal?: AbortSignal;
  /** Continue an upload begun earlier: its first `parts.length` parts (all of `partSize`) are kept. */
  resume?: { uploadId: string; parts: UploadedPart[] };
  /**
   * Hears each time the run of uploaded full parts from part 1 grows: every byte before `bytes` is stored in S3
   * (a checkpoint can be taken there).
   */
  onDurable?: (durable: DurablePrefix) => void;
}

/** The parts from 1 that are uploaded, and the archive bytes they hold. */
export interface DurablePrefix {
  uploadId: string;
  /** Parts 1..count are uploaded; read them (from `parts`, which keeps changing) before the callback returns. */
  count: number;
  parts: readonly UploadedPart[];
  bytes: number;
}

/** A part that has been uploaded. */
export interface UploadedPart {
  partNumber: number;
  etag: string;
}

/**
 * Writes one object as an S3 multipart upload with no stream in between. A part is a list of segments: small
 * writes (headers, records) and small files copied into memory, large files as ranges of their temp files that
 * are read while the part is sent. So a part in flight costs a few read chunks, not a part-size buffer, and a
 * file stays open (not on disk by name: its path may be removed) until the parts that read it are uploaded.
 * At most `partsInFlight` parts upload while the next fills. On failure nothing is completed: in-flight parts
 * are cancelled and the upload is aborted (or, with `stop()`, kept for a later run to resume); the first error
 * is the one every later call throws.
 */
export class MultipartWriter {
  private readonly uploadId: Promise<string>;
  private readonly controller = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly parts: UploadedPart[] = [];
  /** Parts 1..durable are uploaded and full. */
  private durable = 0;
  private finishing = false;
  private current: PartBody | undefined;
  private nextPart = 1;
  private written = 0;
  private failure: { error: unknown } | undefined;
  private readonly onOuterAbort: () => void;

  constructor(
    private readonly store: ObjectStore,
    private readonly o: MultipartWriterOptions,
  ) {
    if (o.resume) {
      this.uploadId = Promise.resolve(o.resume.uploadId);
      this.parts.push(...o.resume.parts);
      this.durable = this.parts.length;
      this.nextPart = this.parts.length + 1;
      this.written = this.parts.length * o.partSize;
    } else {
      this.uploadId = store.startMultipart({ key: o.key, contentType: o.contentType });
    }
    this.uploadId.catch((err: unknown) => this.fail(err));
    this.onOuterAbort = () => this.fail(o.signal?.reason ?? new Error('Upload aborted'));
    if (o.signal?.aborted) this.onOuterAbort();
    else o.signal?.addEventListener('abort', this.onOuterAbort, { once: true });
  }

  /** Bytes written so far (sent or waiting in the part being filled). */
  get size(): number {
    return this.written;
  }

  /** The first error the writer saw (a part that failed, the signal), if any. */
  get error(): unknown {
    return this.failure?.error;
  }

  /** Copies `data` into the archive's parts. */
  async write(data: Uint8Array): Promise<void> {
    let done = 0;
    while (done < data.length) {
      const part = await this.part();
      const n = Math.min(data.length - done, this.o.partSize - part.size);
      part.push({ bytes: Buffer.from(data.subarray(done, done + n)) });
      this.written += n;
      done += n;
      if (part.size === this.o.partSize) this.sendCurrent();
    }
  }

  /**
   * Appends the bytes of the file at `path` from `from` up to `length`. The file is opened before this resolves
   * and read (large ranges) when its parts are sent, so the caller may remove the path once it has resolved.
   */
  async writeFile(path: string, length: number, from = 0): Promise<void> {
    const file = await SharedFile.open(path);
    try {
      let position = from;
      while (position < length) {
        const part = await this.part();
        const n = Math.min(length - position, this.o.partSize - part.size);
        if (n < COPY_BELOW) part.push({ bytes: await readRange(file.handle, position, n) });
        else part.push({ file, start: position, length: n });
        this.throwIfFailed();
        this.written += n;
        position += n;
        if (part.size === this.o.partSize) this.sendCurrent();
      }
    } finally {
      await file.release();
    }
  }

  /** Sends the last part, waits for every part and completes the upload; resolves to the object's size. */
  async finish(): Promise<number> {
    this.throwIfFailed();
    this.finishing = true;
    if ((this.current?.size ?? 0) > 0 || this.nextPart === 1) this.sendCurrent();
    while (this.inFlight.size > 0) await Promise.race(this.inFlight);
    this.throwIfFailed();
    const uploadId = await this.uploadId;
    this.throwIfFailed();
    await this.store.completeMultipart({ key: this.o.key, uploadId, parts: this.parts, tags: this.o.tags });
    this.detach();
    return this.written;
  }

  /** Records the first error and cancels the parts in flight. */
  fail(err: unknown): void {
    if (this.failure) return;
    this.failure = { error: err };
    this.controller.abort(err);
  }

  /** Fails the writer (if it has not failed yet) and waits until no part is in flight; the upload stays open. */
  async stop(err: unknown): Promise<void> {
    this.fail(err);
    this.detach();
    await Promise.allSettled([...this.inFlight]);
    const unsent = this.current;
    this.current = undefined;
    await unsent?.release();
  }

  /** Fails the writer (if it has not failed yet) and aborts the multipart upload once no part is in flight. */
  async abort(err: unknown): Promise<void> {
    await this.stop(err);
    const uploadId = await this.uploadId.catch(() => undefined);
    if (uploadId === undefined) return;
    await this.store.abortUpload({ key: this.o.key, uploadId });
  }

  private detach(): void {
    this.o.signal?.removeEventListener('abort', this.onOuterAbort);
  }

  /** The part being filled; waits while `partsInFlight` parts are uploading. */
  private async part(): Promise<PartBody> {
    this.throwIfFailed();
    while (this.current === undefined) {
      if (this.inFlight.size < this.o.partsInFlight) this.current = new PartBody();
      else {
        await Promise.race(this.inFlight);
        this.throwIfFailed();
      }
    }
    return this.current;
  }

  private sendCurrent(): void {
    const body = this.current ?? new PartBody();
    const partNumber = this.nextPart++;
    this.current = undefined;
    const sent: Promise<void> = this.send(partNumber, body)
      .catch((err: unknown) => this.fail(err))
      .then(() => body.release().catch(() => undefined))
      .then(() => {
        this.inFlight.delete(sent);
      });
    this.inFlight.add(sent);
  }

  private async send(partNumber: number, body: PartBody): Promise<void> {
    const uploadId = await this.uploadId;
    this.throwIfFailed();
    const etag = await this.store.uploadPart({
      key: this.o.key,
      uploadId,
      partNumber,
      body: { size: body.size, stream: () => body.stream(bufferPool) },
      signal: this.controller.signal,
    });
    this.parts[partNumber - 1] = { partNumber, etag };
    this.advanceDurable(uploadId);
  }

  /** Extends the run of full parts from 1 past the parts now uploaded, and tells `onDurable` when it grew. */
  private advanceDurable(uploadId: string): void {
    // Not once finish() began: its last part may be short, and a finished upload needs no checkpoint.
    if (this.finishing || this.failure) return;
    const before = this.durable;
    while (this.parts[this.durable] !== undefined) this.durable++;
    if (this.durable === before) return;
    this.o.onDurable?.({ uploadId, count: this.durable, parts: this.parts, bytes: this.durable * this.o.partSize });
  }

  private throwIfFailed(): void {
    // What fail() was given, rethrown as is.
    if (this.failure) throw this.failure.error;
  }
}
