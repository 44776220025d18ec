import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TempFileWriter } from '../../worker/fetch/temp-file-writer.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-temp-file-writer-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** `bytes` cut into chunks of uneven sizes, the way socket reads come. */
function chunked(bytes: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0, n = 1; at < bytes.length; n = (n * 7919 + 13) % 70_000) {
    const size = Math.min(bytes.length - at, n + 1);
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

/** The files this process has open. */
async function openPaths(): Promise<string[]> {
  const fds = await readdir('/proc/self/fd');
  const targets = await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
  return targets;
}

describe('TempFileWriter', () => {
  it('writes every byte, in order, across many pooled-buffer boundaries', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 12_345);
    const path = join(dir, 'whole');
    await pipeline(Readable.from(chunked(bytes)), new TempFileWriter(path));
    expect((await readFile(path)).equals(bytes)).toBe(true);
  });

  it('an empty body makes an empty file', async () => {
    const path = join(dir, 'empty');
    await pipeline(Readable.from([]), new TempFileWriter(path));
    expect((await stat(path)).size).toBe(0);
  });

  it('a source that fails midway fails the pipeline, and the file is closed', async () => {
    const path = join(dir, 'failed');
    async function* failing() {
      yield randomBytes(600 * 1024);
      // The reset comes a moment later, while the first bytes are being written.
      await sleep(5);
      throw new Error('connection reset');
    }
    await expect(pipeline(Readable.from(failing()), new TempFileWriter(path))).rejects.toThrow('connection reset');
    expect((await stat(path)).size).toBeLessThanOrEqual(600 * 1024);
    expect(await openPaths()).not.toContain(path);
  });
});
