import { once } from 'node:events';
import { open, type FileHandle } from 'node:fs/promises';
import { OutgoingMessage } from 'node:http';
import { Readable, type Writable } from 'node:stream';
import { POOLED_BUFFER_BYTES, type BufferPool } from '../runtime/buffer-pool.js';
import { bytesStreamed } from '../runtime/byte-paced-gc.js';

/** Reads of a file range into a part's body are this big: short-lived chunks, never a part-size buffer. */
const READ_CHUNK = POOLED_BUFFER_BYTES;

/**
 * Ranges shorter than this are copied into memory when written rather than read at send time: a part of tiny
 * files would otherwise hold thousands of descriptors open. At most a part's worth of such copies per part.
 */
export const COPY_BELOW = 256 * 1024;

/**
 * A file that parts read from, open until the last part that holds a range of it has been sent (or dropped).
 * The caller may remove its path as soon as the range is written: on Linux an open descriptor keeps the bytes.
 */
export class SharedFile {
  private refs = 1;

  private constructor(readonly handle: FileHandle) {}

  /** Opens `path`, held once by the caller until `release()`. */
  static async open(path: string): Promise<SharedFile> {
    return new SharedFile(await open(path, 'r'));
  }

  retain(): void {
    this.refs++;
  }

  /** Closes the file when nothing holds it any more. */
  async release(): Promise<void> {
    if (--this.refs === 0) await this.handle.close();
  }
}

/** A range of a file, read when the part is sent. */
interface FileSegment {
  file: SharedFile;
  start: number;
  length: number;
}

/** One run of a part's bytes: a copy held in memory, or a range of a file read when the part is sent. */
export type Segment = { bytes: Uint8Array } | FileSegment;

/**
 * A part's bytes as a list of segments: header records and small files in memory, large files as ranges read
 * while the part is being sent, so a part in flight costs a few read chunks, not a part-size buffer.
 */
export class PartBody {
  readonly segments: Segment[] = [];
  size = 0;

  push(segment: Segment): void {
    if ('file' in segment) segment.file.retain();
    this.segments.push(segment);
    this.size += 'file' in segment ? segment.length : segment.bytes.length;
  }

  /** The part's bytes, read afresh at each call (a retried upload sends them again). */
  stream(buffers: BufferPool): Readable {
    return new PartStream(this.segments, buffers);
  }

  /** Lets go of every file the part reads from. */
  async release(): Promise<void> {
    const files = this.segments.flatMap((s) => ('file' in s ? [s.file] : []));
    this.segments.length = 0;
    await Promise.all(files.map((f) => f.release()));
  }
}

/**
 * A part's bytes as a Readable. Read as a stream (the SDK's checksum stream does, with S3_CHECKSUMS=
 * when_supported), every chunk is a fresh buffer. Piped into an HTTP request (how the SDK sends a body,
 * `body.pipe(request)`, when it adds no checksum stream), it writes to the request itself through two reused read
 * buffers, each refilled only once the request has called back for its last write (the bytes are in the kernel
 * by then): sending a part then allocates nothing.
 */
class PartStream extends Readable {
  private chunks: AsyncGenerator<Uint8Array> | undefined;

  constructor(
    private readonly segments: readonly Segment[],
    private readonly buffers: BufferPool,
  ) {
    super();
  }

  override _read(): void {
    this.chunks ??= readSegments(this.segments);
    this.chunks.next().then(
      ({ value, done }) => this.push(done ? null : value),
      (err: unknown) => this.destroy(err as Error),
    );
  }

  override pipe<T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T {
    // Only a request's write callbacks are known to mean "done with the buffer"; anything else reads chunks.
    if (!(destination instanceof OutgoingMessage)) return super.pipe(destination, options);
    const dest = destination as unknown as Writable;
    writeSegments(this.segments, dest, this.buffers).then(
      () => dest.end(),
      (err: unknown) => dest.destroy(err as Error),
    );
    return destination;
  }
}

/** Writes the segments to `dest`, file ranges through two reused buffers in turn; resolves once all is written. */
async function writeSegments(segments: readonly Segment[], dest: Writable, pool: BufferPool): Promise<void> {
  const closed = new Promise<never>((_, reject) => {
    dest.once('close', () => reject(new Error('The request closed before the part was written')));
  });
  closed.catch(() => undefined);
  const buffers = [pool.take(), pool.take()] as const;
  const writing: (Promise<void> | undefined)[] = [undefined, undefined];
  let turn = 0;
  const write = async (chunk: Uint8Array): Promise<{ written: Promise<void> }> => {
    let more = true;
    const written = new Promise<void>((resolve, reject) => {
      more = dest.write(chunk, (err) => (err ? reject(err) : resolve()));
    });
    written.catch(() => undefined);
    if (!more) await Promise.race([once(dest, 'drain'), closed]);
    return { written };
  };
  for (const segment of segments) {
    if ('bytes' in segment) {
      await write(segment.bytes);
      continue;
    }
    const end = segment.start + segment.length;
    for (let position = segment.start; position < end;) {
      const slot = turn++ % 2;
      // The buffer's last write must be done before it is read into again.
      await Promise.race([writing[slot], closed]);
      const buffer = buffers[slot]!;
      const bytesRead = await readChunk(segment, position, buffer);
      position += bytesRead;
      writing[slot] = (await write(buffer.subarray(0, bytesRead))).written;
    }
  }
  await Promise.race([Promise.all(writing.filter((w) => w !== undefined)), closed]);
  // Given back only once every write has called back: a request that failed midway keeps its two.
  for (const buffer of buffers) pool.give(buffer);
}

/** Reads the range's bytes from `position` into `buffer` (as many as fit); the file must not end before the range. */
async function readChunk(segment: FileSegment, position: number, buffer: Buffer): Promise<number> {
  const end = segment.start + segment.length;
  const want = Math.min(buffer.length, end - position);
  const { bytesRead } = await segment.file.handle.read(buffer, 0, want, position);
  if (bytesRead === 0) throw new Error(`The file ended at ${position}, before ${end}`);
  return bytesRead;
}

async function* readSegments(segments: readonly Segment[]): AsyncGenerator<Uint8Array> {
  for (const segment of segments) {
    if ('bytes' in segment) {
      yield segment.bytes;
      continue;
    }
    const end = segment.start + segment.length;
    for (let position = segment.start; position < end;) {
      // A fresh chunk each read: the socket may still hold the previous one.
      const chunk = Buffer.allocUnsafeSlow(Math.min(READ_CHUNK, end - position));
      const bytesRead = await readChunk(segment, position, chunk);
      position += bytesRead;
      bytesStreamed(bytesRead);
      yield bytesRead === chunk.length ? chunk : chunk.subarray(0, bytesRead);
    }
  }
}

/** Reads `length` bytes of `file` from `position` into memory. */
export async function readRange(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const out = Buffer.allocUnsafe(length);
  for (let done = 0; done < length;) {
    const { bytesRead } = await file.read(out, done, length - done, position + done);
    if (bytesRead === 0) throw new Error(`The file ended after ${position + done} of ${position + length} bytes`);
    done += bytesRead;
  }
  return out;
}
