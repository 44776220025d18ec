import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

const PATTERN_BYTES = 1024 * 1024;
/** What an fs or socket stream typically hands over at once. */
const CHUNK_BYTES = 64 * 1024;
/** A prime stride, so every file starts at a different place in the pattern. */
const FILE_STRIDE = 104_729;

let pattern: Buffer | undefined;
let textPattern: Buffer | undefined;

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

const WORDS = (
  'the of and to in is that for it as with was on be by this are or at from which an have not they but all ' +
  'file files archive archives zip upload download bucket object part parts entry entries header central ' +
  'directory compress compressed deflate stored worker queue job jobs redis stream streams buffer memory ' +
  'time bytes size limit limits error errors retry tenant request response server client disk temp'
).split(' ');

/**
 * 1 MiB of text-like bytes, identical on every run: words from a small vocabulary in lines of varying length,
 * picked by a fixed pseudo-random sequence. Deflate shrinks it about as much as prose (roughly 3:1) and spends
 * about as much CPU per byte on it.
 */
function theTextPattern(): Buffer {
  if (textPattern) return textPattern;
  const out = Buffer.alloc(PATTERN_BYTES, ' ');
  let seed = 0x2545f491;
  const next = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  let at = 0;
  let line = 0;
  while (at < PATTERN_BYTES) {
    const word = WORDS[next() % WORDS.length]!;
    const sep = ++line % (8 + (next() % 9)) === 0 ? '\n' : ' ';
    at += out.write(`${word}${next() % 23 === 0 ? ` ${next() % 100_000}` : ''}${sep}`, at);
  }
  return (textPattern = out);
}

/** What the synthetic files hold: incompressible bytes, or text. */
export type SyntheticKind = 'binary' | 'text';

/**
 * `total` bytes read round and round the pattern from `offset`, generated as they are read: a file set of
 * any size costs 1 MiB of memory. Chunks are views of the pattern (no copies); nobody writes to them.
 */
export class PatternStream extends Readable {
  private sent = 0;
  private position: number;

  private readonly source: Buffer;

  constructor(
    private readonly total: number,
    offset = 0,
    kind: SyntheticKind = 'binary',
  ) {
    super();
    this.position = offset % PATTERN_BYTES;
    this.source = kind === 'text' ? theTextPattern() : thePattern();
  }

  override _read(): void {
    const source = this.source;
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
export function syntheticFile(index: number, size: number, kind: SyntheticKind = 'binary'): Readable {
  return new PatternStream(size, index * FILE_STRIDE, kind);
}

/** Where the fixture serves file `index` (`/f/000001.bin`, or `/t/000001.txt` as text/plain). */
export function syntheticFilePath(index: number, kind: SyntheticKind = 'binary'): string {
  const name = String(index).padStart(6, '0');
  return kind === 'text' ? `/t/${name}.txt` : `/f/${name}.bin`;
}

/** The URLs of the first `files` files of the set on a file server at `origin`. */
export function syntheticFileUrls(origin: string, files: number, kind: SyntheticKind = 'binary'): string[] {
  return Array.from({ length: files }, (_, i) => origin + syntheticFilePath(i, kind));
}
