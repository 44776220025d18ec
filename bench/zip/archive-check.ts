import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { promisify } from 'node:util';
import type { ZipResultView } from '../../shared/jobs/zip.job.js';
import type { ObjectStore } from '../../shared/storage/object-store.js';

export interface ArchiveExpectations {
  entries: number;
  entryBytes: number;
  /** Download the archive (through its presigned URL) into this directory and run `unzip -t` on it. */
  unzipIn?: string;
}

export interface ArchiveCheck {
  problems: string[];
  notes: string[];
}

async function unzipTest(downloadUrl: string, dir: string, entries: number): Promise<ArchiveCheck> {
  const path = join(dir, 'archive-under-test.zip');
  try {
    const res = await fetch(downloadUrl);
    if (!res.ok || !res.body) return { problems: [`GET via the presigned URL answered ${res.status}`], notes: [] };
    await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), createWriteStream(path));
    return await unzipTestFile(path, entries);
  } catch (err) {
    return { problems: [`downloading the archive failed: ${(err as Error).message}`], notes: [] };
  } finally {
    await rm(path, { force: true });
  }
}

/** `unzip -t` on an archive on disk: every one of `entries` entries must test OK. */
export async function unzipTestFile(path: string, entries: number): Promise<ArchiveCheck> {
  try {
    const t0 = performance.now();
    const { stdout } = await promisify(execFile)('unzip', ['-t', path], { maxBuffer: 64 * 1024 * 1024 });
    const ok = stdout.split('\n').filter((l) => /^\s+testing: .*\s+OK$/.test(l)).length;
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    if (!stdout.includes('No errors detected') || ok !== entries) {
      return {
        problems: [`unzip -t: ${ok}/${entries} entries OK; ${stdout.split('\n').slice(-2).join(' ')}`],
        notes: [],
      };
    }
    return { problems: [], notes: [`unzip -t: ${ok} entries OK, no errors (${seconds} s)`] };
  } catch (err) {
    const e = err as { message?: string; stdout?: string };
    return {
      problems: [`unzip -t failed: ${(e.stdout ?? '').split('\n').slice(-3).join(' ') || e.message}`],
      notes: [],
    };
  }
}

/** Checks a finished zip job's archive: stored size equals result.size, every entry present, optionally unzip -t. */
export async function checkArchive(
  store: ObjectStore,
  result: ZipResultView,
  expect: ArchiveExpectations,
): Promise<ArchiveCheck> {
  const problems: string[] = [];
  const notes: string[] = [];
  const head = await store.head(result.key);
  if (!head) problems.push(`HeadObject: ${result.key} not found`);
  else if (head.size !== result.size) problems.push(`HeadObject size ${head.size} != result.size ${result.size}`);
  else notes.push(`HeadObject size = result.size = ${result.size} bytes`);
  if (result.failures.length > 0)
    problems.push(`${result.failures.length} failures, first: ${JSON.stringify(result.failures[0])}`);
  if (result.entries.length !== expect.entries)
    problems.push(`${result.entries.length} entries, expected ${expect.entries}`);
  const wrongSize = result.entries.filter((e) => e.size !== expect.entryBytes);
  if (wrongSize.length > 0) problems.push(`${wrongSize.length} entries are not ${expect.entryBytes} bytes`);
  if (expect.unzipIn && problems.length === 0) {
    if (!result.downloadUrl) problems.push('the result has no downloadUrl');
    else {
      const unzip = await unzipTest(result.downloadUrl, expect.unzipIn, expect.entries);
      problems.push(...unzip.problems);
      notes.push(...unzip.notes);
    }
  }
  return { problems, notes };
}
