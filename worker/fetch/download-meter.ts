import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { crc32 } from 'node:zlib';
import { FetchError } from '../../shared/errors/app-error.js';
import type { ByteBudget } from './byte-budget.js';
import { isTypeAllowed, SNIFF_BYTES, sniffContentType } from './content-type.js';

export interface DownloadMeterOptions {
  url: string;
  maxFileBytes: number;
  allowedTypes: readonly string[];
  budget: ByteBudget;
  /** Also compute the MD5 (ingest compares it with the stored ETag); zip jobs skip its CPU cost. */
  md5?: boolean;
  /** Also compute the CRC-32 (zip entries carry it in their local header); native, so nearly free. */
  crc32?: boolean;
  /** The response's Content-Type header, read once the first bytes arrive. */
  headerContentType: () => string | undefined;
  onBytes?: (n: number) => void;
}

/**
 * Sits between the download and the temp file: counts bytes against the file and job limits as they stream
 * (so a lying or missing Content-Length cannot get past them), hashes, and checks the type by the first bytes.
 */
export class DownloadMeter extends Transform {
  size = 0;
  /** The CRC-32 of the bytes so far, when asked for. */
  crc32: number | undefined;
  contentType: string | undefined;
  private readonly hash: Hash = createHash('sha256');
  private readonly md5Hash?: Hash;
  private head: Buffer[] = [];
  private headLength = 0;

  constructor(private readonly o: DownloadMeterOptions) {
    super();
    if (o.md5) this.md5Hash = createHash('md5');
    if (o.crc32) this.crc32 = 0;
  }

  get sha256(): string {
    return this.hash.digest('hex');
  }

  get md5(): string | undefined {
    return this.md5Hash?.digest('hex');
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.count(chunk);
    } catch (err) {
      done(err as Error);
      return;
    }
    this.hash.update(chunk);
    this.md5Hash?.update(chunk);
    if (this.crc32 !== undefined) this.crc32 = crc32(chunk, this.crc32);
    if (this.contentType !== undefined) {
      done(null, chunk);
      return;
    }
    this.head.push(chunk);
    this.headLength += chunk.length;
    if (this.headLength < SNIFF_BYTES) {
      done();
      return;
    }
    this.releaseHead(done);
  }

  override _flush(done: TransformCallback): void {
    if (this.contentType !== undefined) {
      done();
      return;
    }
    this.releaseHead(done);
  }

  private count(chunk: Buffer): void {
    const size = this.size + chunk.length;
    if (size > this.o.maxFileBytes) {
      throw new FetchError('file_too_large', `The file exceeds ${this.o.maxFileBytes} bytes`, this.o.url, true);
    }
    this.o.budget.take(chunk.length, this.o.url);
    this.size = size;
    this.o.onBytes?.(chunk.length);
  }

  private releaseHead(done: TransformCallback): void {
    const head = Buffer.concat(this.head);
    this.head = [];
    sniffContentType(head, this.o.headerContentType()).then((type) => {
      if (!isTypeAllowed(type, this.o.allowedTypes)) {
        done(new FetchError('type_not_allowed', `The content type ${type} is not allowed`, this.o.url, true));
        return;
      }
      this.contentType = type;
      done(null, head);
    }, done);
  }
}
