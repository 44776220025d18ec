import { open, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { crc32, deflateRaw } from 'node:zlib';
import { AppError, FetchError } from '../../shared/errors/app-error.js';
import type { FileFailure } from '../../shared/jobs/common.js';
import type { ZipEntry, ZipJobData, ZipJobResult } from '../../shared/jobs/zip.job.js';
import type { Logger } from '../../shared/logger.js';
import { ZIP_TAG } from '../../shared/storage/lifecycle.js';
import type { ObjectStore } from '../../shared/storage/object-store.js';
import { CompletionPool } from '../fetch/completion-pool.js';
import { JobDownloads, type DownloadSettings } from '../fetch/job-downloads.js';
import type { ProgressSink } from '../runtime/progress-sink.js';
import { MultipartWriter } from '../upload/multipart-writer.js';
import { maxArchiveBytes, partSizeFor } from '../upload/part-size.js';
import { deriveEntryName, EntryNameAllocator, sanitizeEntryName } from './entry-names.js';
import { inInputOrder } from './input-order.js';
import { deflatedPath, prepareEntry, type PreparedEntry } from './prepare-entry.js';
import { zipObjectKey } from './zip-key.js';
import { METHOD_DEFLATE } from './zip-records.js';
import { ZipWriter } from './zip-writer.js';

export interface BuildZipDeps extends DownloadSettings {
  store: ObjectStore;
  logger: Logger;
  keyPrefix: string;
  downloadConcurrency: number;
}

export interface BuildZipRequest {
  jobId: string;
  data: ZipJobData;
  progress: ProgressSink;
  signal?: AbortSignal;
}

const MANIFEST_NAME = 'manifest.json';
/**
 * Parts uploading at once: enough to keep S3 busy while the next part fills (each is one part-size buffer). 3, not
 * 4: one 8 MiB buffer less at the peak, as fast within the noise (`npm run bench -- zip-sweep`, README "Worker memory").
 */
const PARTS_IN_FLIGHT = 3;
const deflateBuffer = promisify(deflateRaw);

/** Copies one prepared entry from its temp file into the archive. */
async function appendPrepared(zip: ZipWriter, entry: PreparedEntry, name: string): Promise<void> {
  const handle = await open(entry.dataPath, 'r');
  try {
    await zip.addFile(
      {
        name: Buffer.from(name),
        method: entry.method,
        crc32: entry.file.crc32,
        size: entry.file.size,
        compressedSize: entry.compressedSize,
        date: new Date(),
      },
      handle,
    );
  } finally {
    await handle.close();
  }
}

/** The same URL twice in one job is fetched once; the first name given for it wins. */
function uniqueFiles(files: ZipJobData['files']): ZipJobData['files'] {
  const seen = new Map<string, ZipJobData['files'][number]>();
  for (const f of files) if (!seen.has(f.url)) seen.set(f.url, f);
  return [...seen.values()];
}

/**
 * Downloads every URL with bounded concurrency (each file deflated as soon as it is on disk, unless stored) and
 * copies the finished entries, in completion order (or, with `order: "input"`, in the order given), into one zip archive that is uploaded to S3 part by part as
 * it is written. With `onError: "fail"` the first failed URL aborts the archive and
 * the upload; with `"skip"` failures are listed and the rest is archived.
 */
export async function buildZip(deps: BuildZipDeps, req: BuildZipRequest): Promise<ZipJobResult> {
  const { data, jobId, progress } = req;
  const key = zipObjectKey(deps.keyPrefix, data.tenant, jobId, data.filename);
  const files = uniqueFiles(data.files);
  const names = new EntryNameAllocator();
  if (data.options.manifest) names.allocate(MANIFEST_NAME);
  // Names the client chose are reserved first, in input order, so they never depend on download timing.
  const chosenNames = files.map((f) => {
    const name = f.name === undefined ? undefined : sanitizeEntryName(f.name);
    return name === undefined ? undefined : names.allocate(name);
  });

  const aborted = await deps.store.abortIncompleteUploads(key);
  if (aborted > 0) deps.logger.warn({ key, aborted }, 'aborted multipart uploads left by an earlier attempt');

  const downloads = await JobDownloads.open(deps, {
    jobId,
    limits: data.limits,
    onBytes: (n) => progress.bytes(n),
    crc32: true,
    signal: req.signal,
  });
  const upload = new MultipartWriter(deps.store, {
    key,
    contentType: 'application/zip',
    // The bucket's lifecycle rule expires archives by this tag (shared/storage/lifecycle.ts).
    tags: { [ZIP_TAG.key]: ZIP_TAG.value },
    partSize: partSizeFor(maxArchiveBytes(data.limits.maxJobBytes, files.length)),
    partsInFlight: PARTS_IN_FLIGHT,
    signal: downloads.signal,
  });
  const zip = new ZipWriter(upload);
  const pool = new CompletionPool(files, deps.downloadConcurrency, (file, index) =>
    prepareEntry(downloads, file.url, index, data.options.compression),
  );
  const entries: ZipEntry[] = [];
  const failures: FileFailure[] = [];

  try {
    const completed = pool.results();
    const ordered =
      data.options.order === 'input' ? inInputOrder(completed, (d) => d.result.status === 'rejected') : completed;
    for await (const done of ordered) {
      try {
        if (done.result.status === 'rejected') {
          const err: unknown = done.result.reason;
          if (!(err instanceof FetchError)) throw err;
          failures.push({ url: err.url, code: err.code, message: err.message });
          progress.fileDone(true);
          deps.logger.info({ url: err.url, code: err.code }, 'file failed');
          if (data.options.onError === 'fail') throw err;
          continue;
        }
        const prepared = done.result.value;
        const { file } = prepared;
        const name = chosenNames[done.index] ?? names.allocate(deriveEntryName(file));
        await appendPrepared(zip, prepared, name);
        entries.push({ url: file.url, name, size: file.size, sha256: file.sha256, contentType: file.contentType });
        progress.fileDone(false);
      } finally {
        done.release();
        await Promise.all([downloads.remove(done.index), rm(deflatedPath(downloads, done.index), { force: true })]);
      }
    }
    if (entries.length === 0) {
      const listed = failures.slice(0, 5).map((f) => `${f.url} (${f.code})`);
      const more = failures.length > listed.length ? `, and ${failures.length - listed.length} more` : '';
      throw new AppError('no_files', `None of the ${files.length} URLs could be fetched: ${listed.join(', ')}${more}`, {
        status: 422,
      });
    }
    if (data.options.manifest) {
      const manifest = { filename: data.filename, createdAt: new Date().toISOString(), entries, failures };
      const bytes = Buffer.from(JSON.stringify(manifest, null, 2));
      const deflated = await deflateBuffer(bytes);
      await zip.addBuffer(
        {
          name: Buffer.from(MANIFEST_NAME),
          method: METHOD_DEFLATE,
          crc32: crc32(bytes),
          size: bytes.length,
          compressedSize: deflated.length,
          date: new Date(),
        },
        deflated,
      );
    }
    await zip.finish();
    const size = await upload.finish();
    const expiresAt = new Date(Date.now() + data.expiresIn * 1000).toISOString();
    return { key, filename: data.filename, size, expiresAt, entries, failures };
  } catch (err) {
    // The first error wins: a part that failed in the background may be why this write threw something else.
    const first = upload.error ?? err;
    downloads.abort(first);
    await pool.stop();
    await upload.abort(first).catch((abortErr: unknown) => {
      deps.logger.warn({ err: abortErr, key }, 'could not abort the multipart upload; the janitor will');
    });
    throw first;
  } finally {
    await downloads.close();
  }
}
