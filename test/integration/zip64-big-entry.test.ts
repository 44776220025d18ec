import { createHash } from 'node:crypto';
import { mkdtemp, open, rm, truncate, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { METHOD_STORE } from '../../worker/zip/zip-records.js';
import { ZipWriter, type ArchiveSink } from '../../worker/zip/zip-writer.js';
import { checkLocalHeader, readWithZipInputStream, unzipTest } from '../helpers/zip-reader.js';

// Writes (and reads back three times) an archive of 4 GiB and more: opt in with ZIP_BIG_ENTRY=1.
const RUN = process.env.ZIP_BIG_ENTRY === '1';
const BIG = 4 * 1024 ** 3 + 64 * 1024;
const CHUNK = 8 * 1024 * 1024;

/** The archive into a local file, read through one reused buffer. */
class FileSink implements ArchiveSink {
  size = 0;
  private readonly buffer = Buffer.allocUnsafe(CHUNK);
  constructor(private readonly out: FileHandle) {}
  async write(data: Uint8Array): Promise<void> {
    await this.out.write(data, 0, data.length, this.size);
    this.size += data.length;
  }
  async writeFile(path: string, length: number): Promise<void> {
    const file = await open(path, 'r');
    try {
      for (let done = 0; done < length;) {
        const { bytesRead } = await file.read(this.buffer, 0, Math.min(CHUNK, length - done), done);
        if (bytesRead === 0) throw new Error('short file');
        await this.write(this.buffer.subarray(0, bytesRead));
        done += bytesRead;
      }
    } finally {
      await file.close();
    }
  }
}

/** CRC-32 and SHA-256 of `size` zero bytes (what a sparse file holds). */
function zeros(size: number): { crc: number; sha256: string } {
  const block = Buffer.alloc(CHUNK);
  const sha = createHash('sha256');
  let crc = 0;
  for (let left = size; left > 0; left -= CHUNK) {
    const part = block.subarray(0, Math.min(CHUNK, left));
    crc = crc32(part, crc);
    sha.update(part);
  }
  return { crc, sha256: sha.digest('hex') };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-zip64-big-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!RUN)('Zip64: an entry over 4 GiB', () => {
  it(
    'has the Zip64 extra in its local header; the entry after it sits past 4 GiB; strict readers agree',
    { timeout: 900_000 },
    async () => {
      const source = join(dir, 'big.bin');
      // Sparse: 4 GiB of zeros that take no disk.
      await writeFile(source, '');
      await truncate(source, BIG);
      const small = Buffer.from('after the big one\n');
      const smallPath = join(dir, 'small.txt');
      await writeFile(smallPath, small);
      const { crc, sha256 } = zeros(BIG);

      const zipPath = join(dir, 'big.zip');
      const out = await open(zipPath, 'w');
      const zip = new ZipWriter(new FileSink(out));
      const add = (name: string, path: string, size: number, entryCrc: number) =>
        zip.addFile(
          {
            name: Buffer.from(name),
            method: METHOD_STORE,
            crc32: entryCrc,
            size,
            compressedSize: size,
            date: new Date(),
          },
          path,
        );
      await add('first.txt', smallPath, small.length, crc32(small));
      await add('big.bin', source, BIG, crc);
      await add('last.txt', smallPath, small.length, crc32(small));
      await zip.finish();
      await out.close();

      // yauzl (central directory, Zip64 end records), with each local header checked against it.
      const archive = await promisify<string, yauzl.Options, yauzl.ZipFile>(yauzl.open)(zipPath, {
        lazyEntries: false,
        validateEntrySizes: true,
      });
      const entries: yauzl.Entry[] = [];
      archive.on('entry', (e: yauzl.Entry) => entries.push(e));
      await new Promise((resolve, reject) => archive.once('end', resolve).once('error', reject));
      archive.close();
      expect(entries.map((e) => [e.fileName, e.uncompressedSize])).toEqual([
        ['first.txt', small.length],
        ['big.bin', BIG],
        ['last.txt', small.length],
      ]);
      expect(entries[2]!.relativeOffsetOfLocalHeader).toBeGreaterThan(2 ** 32);
      const fh = await open(zipPath, 'r');
      for (const e of entries) {
        const header = Buffer.alloc(1024);
        await fh.read(header, 0, header.length, e.relativeOffsetOfLocalHeader);
        checkLocalHeader(header, e);
      }
      await fh.close();

      // A streaming reader trusts local headers only; unzip -t checks every CRC.
      const smallSha = createHash('sha256').update(small).digest('hex');
      expect(await readWithZipInputStream(zipPath)).toEqual([
        { method: 0, size: small.length, sha256: smallSha, name: 'first.txt' },
        { method: 0, size: BIG, sha256, name: 'big.bin' },
        { method: 0, size: small.length, sha256: smallSha, name: 'last.txt' },
      ]);
      await unzipTest(zipPath);
    },
  );
});
