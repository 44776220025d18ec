import { open, type FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { bufferPool } from '../runtime/buffer-pool.js';
import { bytesStreamed } from '../runtime/byte-paced-gc.js';

/**
 * A download's temp file as a Writable that copies every chunk into one of two pooled buffers and writes a
 * buffer when it is full while the other fills. The socket's chunks are dropped the moment they are copied, so
 * they die young (a scavenge frees them) instead of waiting in a write queue until they are promoted, and the
 * file gets one write per 256 KiB instead of one per socket read.
 */
export class TempFileWriter extends Writable {
  private file: FileHandle | undefined;
  private current: Buffer | undefined;
  private filled = 0;
  /** The write of the other buffer, if one is under way: its buffer goes back to the pool when it is done. */
  private writing: Promise<void> | undefined;

  constructor(private readonly path: string) {
    super();
  }

  override _construct(done: (err?: Error | null) => void): void {
    open(this.path, 'w').then(
      (file) => {
        this.file = file;
        done();
      },
      (err: Error) => done(err),
    );
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    bytesStreamed(chunk.length);
    this.take(chunk).then(() => done(), done);
  }

  override _final(done: (err?: Error | null) => void): void {
    this.flush()
      .then(() => this.writing)
      .then(() => this.close())
      .then(() => done(), done);
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    // The buffer being filled has no write under way: it can go back.
    if (this.current) bufferPool.give(this.current);
    this.current = undefined;
    // Closed only once no write is under way on it (a closed descriptor's number can be reused at once).
    Promise.resolve(this.writing)
      .catch(() => undefined)
      .then(() => this.close())
      .then(
        () => done(err),
        () => done(err),
      );
  }

  private async take(chunk: Buffer): Promise<void> {
    for (let done = 0; done < chunk.length;) {
      this.current ??= bufferPool.take();
      const n = chunk.copy(this.current, this.filled, done);
      this.filled += n;
      done += n;
      if (this.filled === this.current.length) await this.flush();
    }
  }

  /** Starts writing the buffer being filled, once the other's write is done. */
  private async flush(): Promise<void> {
    await this.writing;
    const buffer = this.current;
    const length = this.filled;
    this.current = undefined;
    this.filled = 0;
    // A buffer is taken only to copy bytes into: one that exists is never empty.
    if (buffer === undefined) return;
    const file = this.file;
    if (file === undefined) throw new Error('the temp file is not open');
    this.writing = writeAll(file, buffer, length).then(() => bufferPool.give(buffer));
  }

  private async close(): Promise<void> {
    const file = this.file;
    this.file = undefined;
    await file?.close();
  }
}

async function writeAll(file: FileHandle, buffer: Buffer, length: number): Promise<void> {
  for (let done = 0; done < length;) {
    const { bytesWritten } = await file.write(buffer, done, length - done);
    done += bytesWritten;
  }
}
