import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import yauzl from 'yauzl';
import type { ZipResultView } from '../../shared/jobs/zip.job.js';
import type { ObjectStore } from '../../shared/storage/object-store.js';
import { syntheticFile } from '../synthetic/synthetic-files.js';
import { checkArchive, unzipTestFile, type ArchiveCheck } from '../zip/archive-check.js';

const digests = new Map<string, string[]>();

/** SHA-256 (hex) of each of the first `files` binary synthetic files of `size` bytes: what every entry must hold. */
export async function syntheticDigests(files: number, size: number): Promise<string[]> {
  const key = `${files}x${size}`;
  const known = digests.get(key);
  if (known) return known;
  const out: string[] = [];
  for (let i = 0; i < files; i++) {
    const hash = createHash('sha256');
    for await (const chunk of syntheticFile(i, size)) hash.update(chunk as Buffer);
    out.push(hash.digest('hex'));
  }
  digests.set(key, out);
  return out;
}

/** The synthetic file a URL names (`.../f/000123.bin` -> 123). */
function fileIndex(url: string): number | undefined {
  const m = /\/f\/(\d+)\.bin$/.exec(url);
  return m ? Number(m[1]) : undefined;
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, decodeStrings: true, validateEntrySizes: true }, (err, zip) =>
      err ? reject(err) : resolve(zip),
    ),
  );
}

/**
 * Reads every entry of the archive at `path` with yauzl (an independent reader of the central directory) and
 * compares its bytes, by SHA-256, with the synthetic file its URL names.
 */
async function checkEntryBytes(path: string, result: ZipResultView, expected: string[]): Promise<ArchiveCheck> {
  const byName = new Map(result.entries.map((e) => [e.name, e]));
  const problems: string[] = [];
  const seen = new Set<number>();
  let read = 0;
  const zip = await openZip(path);
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      const listed = byName.get(entry.fileName);
      const index = listed ? fileIndex(listed.url) : undefined;
      if (index === undefined || expected[index] === undefined) {
        problems.push(`entry "${entry.fileName}" is not one of the job's files`);
        zip.readEntry();
        return;
      }
      if (seen.has(index)) problems.push(`file ${index} is in the archive twice`);
      seen.add(index);
      zip.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const hash = createHash('sha256');
        stream.on('data', (chunk: Buffer) => hash.update(chunk));
        stream.on('error', reject);
        stream.on('end', () => {
          const got = hash.digest('hex');
          if (got !== expected[index]) problems.push(`entry "${entry.fileName}": bytes differ from file ${index}`);
          if (listed?.sha256 !== expected[index]) problems.push(`result entry "${entry.fileName}": wrong sha256`);
          read++;
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  }).finally(() => zip.close());
  if (seen.size !== expected.length) problems.push(`${seen.size} of ${expected.length} files in the archive`);
  return {
    problems,
    notes: problems.length === 0 ? [`yauzl: ${read} entries, every one byte for byte the file its URL names`] : [],
  };
}

/** The objects under the job's folder (`<prefix>/<tenant>/zips/<jobId>/`): exactly one archive is expected. */
async function objectsUnder(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : [])));
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

export interface FinalArchiveCheck {
  store: ObjectStore;
  s3: S3Client;
  result: ZipResultView;
  files: number;
  fileBytes: number;
  /** The archive is downloaded here (and removed afterwards). */
  path: string;
  /** Download the archive and read every entry back; false: the listing, HeadObject and the result only. */
  readBack: boolean;
  unzip: boolean;
}

/**
 * Everything the crash must not have broken: one object under the job's key and no multipart upload left open
 * there, HeadObject and the result agree, every entry byte for byte right (yauzl), and `unzip -t`.
 */
export async function checkFinalArchive(c: FinalArchiveCheck): Promise<ArchiveCheck> {
  const problems: string[] = [];
  const notes: string[] = [];
  const folder = c.result.key.slice(0, c.result.key.lastIndexOf('/') + 1);
  const objects = await objectsUnder(c.s3, c.store.bucket, folder);
  if (objects.length !== 1 || objects[0] !== c.result.key) {
    problems.push(`${objects.length} objects under ${folder}: ${objects.slice(0, 3).join(', ')}`);
  } else notes.push(`one object under ${folder}`);
  const open: string[] = [];
  for await (const u of c.store.listIncompleteUploads(folder)) open.push(u.uploadId);
  if (open.length > 0) problems.push(`${open.length} multipart uploads left open under ${folder}`);
  else notes.push('no multipart upload left open');

  const head = await checkArchive(c.store, c.result, { entries: c.files, entryBytes: c.fileBytes });
  problems.push(...head.problems);
  notes.push(...head.notes);
  if (head.problems.length > 0 || !c.readBack) return { problems, notes };

  const stored = await c.store.get(c.result.key);
  if (!stored) return { problems: [...problems, `GetObject: ${c.result.key} not found`], notes };
  try {
    await pipeline(stored.body, createWriteStream(c.path));
    const expected = await syntheticDigests(c.files, c.fileBytes);
    for (const check of [
      await checkEntryBytes(c.path, c.result, expected),
      ...(c.unzip ? [await unzipTestFile(c.path, c.files)] : []),
    ]) {
      problems.push(...check.problems);
      notes.push(...check.notes);
    }
  } finally {
    await rm(c.path, { force: true });
  }
  return { problems, notes };
}
