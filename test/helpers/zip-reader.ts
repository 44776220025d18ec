import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer as streamToBuffer } from 'node:stream/consumers';
import { promisify } from 'node:util';
import yauzl from 'yauzl';

const run = promisify(execFile);

export interface ZipEntryRead {
  name: string;
  data: Buffer;
  /** 0 = stored, 8 = deflated */
  compressionMethod: number;
  /** Bit 11 (0x800) is the UTF-8 name flag. */
  generalPurposeBitFlag: number;
}

/**
 * Reads every entry with yauzl, an independent zip reader (CRC checked as entries are read), and checks the same
 * archive with a streaming reader and `unzip -t` (see checkZipReaders): a test that reads an archive this way
 * fails when any reader would not read it byte for byte.
 */
export async function readZip(zip: Buffer): Promise<ZipEntryRead[]> {
  const entries = await readWithYauzl(zip);
  await checkZipReaders(zip, entries);
  return entries;
}

async function readWithYauzl(zip: Buffer): Promise<ZipEntryRead[]> {
  const archive = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(zip, { lazyEntries: true, decodeStrings: true, validateEntrySizes: true }, (err, z) =>
      err ? reject(err) : resolve(z),
    ),
  );
  const entries: ZipEntryRead[] = [];
  await new Promise<void>((resolve, reject) => {
    archive.on('error', reject);
    archive.on('end', () => resolve());
    archive.on('entry', (entry: yauzl.Entry) => {
      try {
        checkLocalHeader(zip.subarray(entry.relativeOffsetOfLocalHeader), entry);
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      archive.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        streamToBuffer(stream).then((data) => {
          entries.push({
            name: entry.fileName,
            data,
            compressionMethod: entry.compressionMethod,
            generalPurposeBitFlag: entry.generalPurposeBitFlag,
          });
          archive.readEntry();
        }, reject);
      });
    });
    archive.readEntry();
  });
  return entries;
}

const MAX32 = 0xffff_ffff;

/**
 * A stored entry's local header must carry its CRC-32 and sizes (no data descriptor: streaming readers cannot
 * find the end of stored data otherwise), and an entry over 4 GiB its Zip64 extra field. ferry writes every entry
 * that way, deflated ones too. `zip` starts at the entry's local header.
 */
export function checkLocalHeader(zip: Buffer, entry: yauzl.Entry): void {
  const at = 0;
  const fail = (what: string) => {
    throw new Error(`local header of ${entry.fileName} at ${entry.relativeOffsetOfLocalHeader}: ${what}`);
  };
  if (zip.readUInt32LE(at) !== 0x04034b50) fail('no local header signature');
  const flags = zip.readUInt16LE(at + 6);
  if (flags & 0x8) fail('general-purpose bit 3 is set (data descriptor)');
  if (zip.readUInt32LE(at + 14) !== entry.crc32) fail(`CRC-32 ${zip.readUInt32LE(at + 14)} != ${entry.crc32}`);
  let compressed = zip.readUInt32LE(at + 18);
  let size = zip.readUInt32LE(at + 22);
  if (compressed === MAX32 || size === MAX32) {
    const nameLength = zip.readUInt16LE(at + 26);
    const extra = zip.subarray(at + 30 + nameLength, at + 30 + nameLength + zip.readUInt16LE(at + 28));
    let zip64: Buffer | undefined;
    for (let i = 0; i + 4 <= extra.length; i += 4 + extra.readUInt16LE(i + 2)) {
      if (extra.readUInt16LE(i) === 0x0001) zip64 = extra.subarray(i + 4, i + 4 + extra.readUInt16LE(i + 2));
    }
    if (!zip64 || zip64.length < 16) fail('sizes of 0xFFFFFFFF without a Zip64 extra field holding both');
    size = Number(zip64!.readBigUInt64LE(0));
    compressed = Number(zip64!.readBigUInt64LE(8));
  }
  if (size !== entry.uncompressedSize) fail(`size ${size} != ${entry.uncompressedSize}`);
  if (compressed !== entry.compressedSize) fail(`compressed size ${compressed} != ${entry.compressedSize}`);
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let compiled: Promise<string> | undefined;

/** ZipStreamCheck.java compiled once per test process (a JVM start is much cheaper than `java File.java`). */
function javaChecker(): Promise<string> {
  compiled ??= (async () => {
    const source = join(import.meta.dirname, 'java', 'ZipStreamCheck.java');
    const dir = join(tmpdir(), `ferry-zip-check-${sha256(await readFile(source)).slice(0, 12)}`);
    if (!(await stat(join(dir, 'ZipStreamCheck.class')).catch(() => undefined))) {
      // Compiled aside and renamed into place: test files run in parallel processes.
      const aside = `${dir}.${process.pid}`;
      await mkdir(aside, { recursive: true });
      await run('javac', ['-d', aside, source]);
      await rename(aside, dir).catch(() => rm(aside, { recursive: true, force: true }));
    }
    return dir;
  })();
  return compiled;
}

/** One line per entry, as ZipStreamCheck prints it: method, size, sha256, name. */
export interface StreamedEntry {
  method: number;
  size: number;
  sha256: string;
  name: string;
}

/** Reads the zip file at `path` with Java's ZipInputStream, which trusts local headers only. */
export async function readWithZipInputStream(path: string): Promise<StreamedEntry[]> {
  const classes = await javaChecker();
  const { stdout } = await run('java', ['-Xshare:auto', '-cp', classes, 'ZipStreamCheck', path], {
    maxBuffer: 256 * 1024 * 1024,
  });
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => {
      const [method, size, hash, name] = line.split('\t');
      return {
        method: Number(method),
        size: Number(size),
        sha256: hash!,
        name: Buffer.from(name!, 'hex').toString('utf8'),
      };
    });
}

/** `unzip -t` on the zip file at `path`; throws unless it reports no errors. */
export async function unzipTest(path: string): Promise<void> {
  const { stdout } = await run('unzip', ['-tq', path], { maxBuffer: 64 * 1024 * 1024 });
  if (!stdout.includes('No errors detected')) throw new Error(`unzip -t: ${stdout.slice(-500)}`);
}

/**
 * Java's ZipInputStream reads the archive front to back and sees every entry yauzl saw, in the same order, with the
 * same bytes; `unzip -t` finds no error.
 */
export async function checkZipReaders(zip: Buffer, expected: ZipEntryRead[]): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-zip-read-'));
  try {
    const path = join(dir, 'archive.zip');
    await writeFile(path, zip);
    const [streamed] = await Promise.all([readWithZipInputStream(path), unzipTest(path)]);
    const want = expected.map((e) => ({
      method: e.compressionMethod,
      size: e.data.length,
      sha256: sha256(e.data),
      name: e.name,
    }));
    if (JSON.stringify(streamed) !== JSON.stringify(want)) {
      throw new Error(
        `ZipInputStream read ${streamed.length} entries unlike yauzl's ${want.length}: first difference ` +
          JSON.stringify(
            streamed.find((s, i) => JSON.stringify(s) !== JSON.stringify(want[i])) ?? want[streamed.length],
          ),
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
