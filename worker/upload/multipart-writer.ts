import type { FileHandle } from 'node:fs/promises';
import type { ObjectStore } from '../../shared/storage/object-store.js';

export interface MultipartWriterOptions {
  key: string;
  contentType: string;
  tags?: Record<string, string>;
  /** Bytes per part (the last part may be shorter). */
  partSize: number;
  /** Parts uploading at once; each holds one part-size buffer, plus one being filled. */
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
 * Writes one object as an S3 multipart upload with no stream in between: bytes are copied (or read from a file)
 * straight into a part-size buffer, and a full buffer is sent as one UploadPart while the next fills. At most
 * `partsInFlight + 1` buffers ever exist, and they are reused, so memory is flat and the GC has nothing to do.
 * On failure nothing is completed: in-flight parts are cancelled and the upload is aborted (or, with `stop()`,
 * kept for a later run to resume); the first error is the one every later call throws.
 */
export class MultipartWriter {
  private readonly uploadId: Promise<string>;
  private readonly controller = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly free: Buffer[] = [];
  private readonly parts: UploadedPart[] = [];
  /** Parts 1..durable are uploaded and full. */
  private durable = 0;
  private finishing = false;
  private allocated = 0;
  private current: Buffer | undefined;
  private filled = 0;
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

  /** Bytes written so far (sent or buffered). */
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
      const n = Math.min(data.length - done, part.length - this.filled);
      part.set(data.subarray(done, done + n), this.filled);
      this.advance(n);
      done += n;
      if (this.filled === part.length) this.sendCurrent();
    }
  }

  /** Reads the bytes of `file` from `from` up to `length` straight into the parts. */
  async writeFile(file: FileHandle, length: number, from = 0): Promise<void> {
    let position = from;
    while (position < length) {
      const part = await this.part();
      const want = Math.min(length - position, part.length - this.filled);
      const { bytesRead } = await file.read(part, this.filled, want, position);
      this.throwIfFailed();
      if (bytesRead === 0) throw new Error(`The file ended after ${position} of ${length} bytes`);
      this.advance(bytesRead);
      position += bytesRead;
      if (this.filled === part.length) this.sendCurrent();
    }
  }

  /** Sends the last part, waits for every part and completes the upload; resolves to the object's size. */
  async finish(): Promise<number> {
    this.throwIfFailed();
    this.finishing = true;
    if (this.filled > 0 || this.nextPart === 1) this.sendCurrent();
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

  private advance(n: number): void {
    this.filled += n;
    this.written += n;
  }

  /** The buffer being filled; waits for a free one when every buffer is in flight. */
  private async part(): Promise<Buffer> {
    this.throwIfFailed();
    while (this.current === undefined) {
      const reused = this.free.pop();
      if (reused) this.current = reused;
      else if (this.allocated <= this.o.partsInFlight) {
        this.allocated++;
        // Outside Node's shared pool: these live for the whole job and are reused, never garbage.
        this.current = Buffer.allocUnsafeSlow(this.o.partSize);
      } else {
        await Promise.race(this.inFlight);
        this.throwIfFailed();
      }
    }
    return this.current;
  }

  private sendCurrent(): void {
    const buffer = this.current ?? Buffer.alloc(0);
    const body = buffer.subarray(0, this.filled);
    const partNumber = this.nextPart++;
    this.current = undefined;
    this.filled = 0;
    const sent: Promise<void> = this.send(partNumber, body).then(
      () => {
        this.inFlight.delete(sent);
        if (buffer.length === this.o.partSize) this.free.push(buffer);
      },
      (err: unknown) => {
        this.inFlight.delete(sent);
        this.fail(err);
      },
    );
    this.inFlight.add(sent);
  }

  private async send(partNumber: number, body: Buffer): Promise<void> {
    const uploadId = await this.uploadId;
    this.throwIfFailed();
    const etag = await this.store.uploadPart({
      key: this.o.key,
      uploadId,
      partNumber,
      body,
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
