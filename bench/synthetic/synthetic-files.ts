import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

const PATTERN_BYTES = 1024 * 1024;
/** What an fs or socket stream typically hands over at once. */
const CHUNK_BYTES = 64 * 1024;
/** A prime stride, so every file starts at a different place in the pattern. */
const FILE_STRIDE = 104_729;

let pattern: Buffer | undefined;

/** 1 MiB of pseudo-random bytes, identical on every run (SHA-256 in counter mode): incompressible, sniffs as nothing. */
function thePattern(): Buffer {
  if (pattern) return pattern;
  const out = Buffer.allocUnsafe(PATTERN_BYTES);
  for (let block = 0; block * 32 < PATTERN_BYTES; block++) {
    createHash('sha256')
      .update(`ferry-bench-${block}`)
      .digest()
      .copy(out, block * 32);
  }
  return (pattern = out);
}

/**
 * `total` bytes read round and round the pattern from `offset`, generated as they are read: a file set of
 * any size costs 1 MiB of memory. Chunks are views of the pattern (no copies); nobody writes to them.
 */
export class PatternStream extends Readable {
  private sent = 0;
  private position: number;

  constructor(
    private readonly total: number,
    offset = 0,
  ) {
    super();
    this.position = offset % PATTERN_BYTES;
  }

  override _read(): void {
    const source = thePattern();
    let wantMore = true;
    while (wantMore && this.sent < this.total) {
      const n = Math.min(CHUNK_BYTES, this.total - this.sent, PATTERN_BYTES - this.position);
      const chunk = source.subarray(this.position, this.position + n);
      this.sent += n;
      this.position = (this.position + n) % PATTERN_BYTES;
      wantMore = this.push(chunk);
    }
    if (this.sent >= this.total) this.push(null);
  }
}

/** The body of file `index` of the synthetic set. */
export function syntheticFile(index: number, size: number): Readable {
  return new PatternStream(size, index * FILE_STRIDE);
}

/** Where the fixture serves file `index`. */
export function syntheticFilePath(index: number): string {
  return `/f/${String(index).padStart(6, '0')}.bin`;
}

/** The URLs of the first `files` files of the set on a file server at `origin`. */
export function syntheticFileUrls(origin: string, files: number): string[] {
  return Array.from({ length: files }, (_, i) => origin + syntheticFilePath(i));
}
