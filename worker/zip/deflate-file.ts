import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createDeflateRaw } from 'node:zlib';

const CHUNK = 256 * 1024;

/**
 * Deflates the file at `from` into `to` (raw DEFLATE, as a zip entry holds it) and resolves to the compressed
 * size. zlib runs on the libuv threadpool, so several entries compress at once on every core while the archive
 * writer only copies finished entries.
 */
export async function deflateFile(from: string, to: string, level: number, signal?: AbortSignal): Promise<number> {
  const out = createWriteStream(to);
  await pipeline(createReadStream(from, { highWaterMark: CHUNK }), createDeflateRaw({ level, chunkSize: CHUNK }), out, {
    signal,
  });
  return out.bytesWritten;
}
