import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { versions } from 'node:process';
import { AppError, FetchError } from '../../shared/errors/app-error.js';
import type { FileFailure } from '../../shared/jobs/common.js';
import type { ZipEntry, ZipJobData, ZipJobResult } from '../../shared/jobs/zip.job.js';
import type { Logger } from '../../shared/logger.js';
import { ZIP_TAG } from '../../shared/storage/lifecycle.js';
import type { ObjectStore } from '../../shared/storage/object-store.js';
import { CompletionPool } from '../fetch/completion-pool.js';
import { JobDownloads, type DownloadSettings } from '../fetch/job-downloads.js';
import type { ProgressSink } from '../runtime/progress-sink.js';
import { SHUTDOWN_REASON } from '../runtime/shutdown-hand-back.js';
import { MultipartWriter } from '../upload/multipart-writer.js';
import { maxArchiveBytes, partSizeFor } from '../upload/part-size.js';
import { deriveEntryName, EntryNameAllocator, sanitizeEntryName } from './entry-names.js';
import { inInputOrder } from './input-order.js';
import { MANIFEST_NAME, manifestEntry } from './manifest.js';
import { deflatedPath, prepareEntry, type PreparedEntry } from './prepare-entry.js';
import { entryRecord, findResumePoint, type ResumePoint } from './resume-point.js';
import { ZipCheckpointer } from './zip-checkpointer.js';
import { CheckpointLost, type CheckpointEntry, type ZipCheckpoints } from './zip-checkpoints.js';
import { zipObjectKey } from './zip-key.js';
import { ZipWriter } from './zip-writer.js';

export interface BuildZipDeps extends DownloadSettings {
  store: ObjectStore;
  logger: Logger;
  keyPrefix: string;
  downloadConcurrency: number;
  /** Where the job's checkpoints go; without them a retried job starts over. */
  checkpoints?: ZipCheckpoints;
}

export interface BuildZipRequest {
  jobId: string;
  data: ZipJobData;
  progress: ProgressSink;
  signal?: AbortSignal;
}

/**
 * Parts uploading at once while the next fills. A part in flight costs two 256 KiB read buffers (parts are file
 * ranges), so this is set by speed alone: 6 kept s3rver busier than 3 or 4 (`npm run bench -- zip-sweep`, ratio to
 * upload-only 1.00 against 1.08 at 1000 × 5 MiB, 1.00-1.04 against 1.12-1.14 at 200 × 5 MiB, the same peak RSS).
 * A crash redoes at most this many parts more (the checkpoint covers the run of uploaded parts from part 1).
 */
const PARTS_IN_FLIGHT = 6;

/** The entry the checkpoint cut came out different this time (its URL changed): the archive starts over. */
class ResumeMismatch extends Error {}

/** The same URL twice in one job is fetched once; the first name given for it wins. */
function uniqueFiles(files: ZipJobData['files']): ZipJobData['files'] {
  const seen = new Map<string, ZipJobData['files'][number]>();
  for (const f of files) if (!seen.has(f.url)) seen.set(f.url, f);
  return [...seen.values()];
}

/** What does not change between runs of one job. */
interface ArchivePlan {
  key: string;
  files: ZipJobData['files'];
  partSize: number;
}

/**
 * Downloads every URL with bounded concurrency (each file deflated as soon as it is on disk, unless stored) and
 * copies the finished entries, in completion order (or, with `order: "input"`, in the order given), into one zip
 * archive that is uploaded to S3 part by part as it is written. With `onError: "fail"` the first failed URL
 * aborts the archive and the upload; with `"skip"` failures are listed and the rest is archived.
 *
 * With checkpoints, a run that stops (a crash, a shutdown, an outage) keeps its upload, and the job's next run
 * continues it from the last checkpoint; when that cannot be done, it starts over.
 */
export async function buildZip(deps: BuildZipDeps, req: BuildZipRequest): Promise<ZipJobResult> {
  const files = uniqueFiles(req.data.files);
  const plan: ArchivePlan = {
    key: zipObjectKey(deps.keyPrefix, req.data.tenant, req.jobId, req.data.filename),
    files,
    partSize: partSizeFor(maxArchiveBytes(req.data.limits.maxJobBytes, files.length)),
  };
  const resume = deps.checkpoints
    ? await findResumePoint(deps.store, deps.checkpoints, { jobId: req.jobId, ...plan }, deps.logger)
    : undefined;
  if (resume) {
    deps.logger.info(
      { key: plan.key, parts: resume.parts.length, entries: resume.complete.length, cut: resume.cut?.name },
      'resuming the archive from its checkpoint',
    );
  }
  try {
    return await writeArchive(deps, req, plan, resume);
  } catch (err) {
    if (!(err instanceof ResumeMismatch)) throw err;
    deps.logger.warn({ key: plan.key, why: err.message }, 'the checkpoint cannot be continued: starting over');
    return writeArchive(deps, req, plan, undefined);
  }
}

/** Whether a run that failed with `err` leaves its upload and checkpoint for the job's next run. */
function keepsForResume(err: unknown, signal: AbortSignal | undefined): boolean {
  if (err instanceof ResumeMismatch || err instanceof FetchError) return false;
  if (err instanceof AppError && err.code === 'no_files') return false;
  // Cancelled by the client (a shutdown hands the job back: that one resumes).
  return !(signal?.aborted && signal.reason !== SHUTDOWN_REASON);
}

async function writeArchive(
  deps: BuildZipDeps,
  req: BuildZipRequest,
  { key, files, partSize }: ArchivePlan,
  resume: ResumePoint | undefined,
): Promise<ZipJobResult> {
  const { data, jobId, progress } = req;
  const names = new EntryNameAllocator();
  if (data.options.manifest) names.allocate(MANIFEST_NAME);
  // Names the client chose are reserved first, in input order, so they never depend on download timing.
  const chosenNames = files.map((f) => {
    const name = f.name === undefined ? undefined : sanitizeEntryName(f.name);
    return name === undefined ? undefined : names.allocate(name);
  });
  const kept = [...(resume?.complete ?? []), ...(resume?.cut ? [resume.cut] : [])];
  for (const e of kept) {
    if (chosenNames[e.index] === undefined && names.allocate(e.name) !== e.name) {
      throw new ResumeMismatch(`the entry name ${e.name} is taken`);
    }
  }

  const aborted = await deps.store.abortIncompleteUploads(key, resume?.uploadId);
  if (aborted > 0) deps.logger.warn({ key, aborted }, 'aborted multipart uploads left by an earlier attempt');
  const owner = randomUUID();
  await deps.checkpoints?.claim(jobId, owner, resume === undefined);

  const done = new Set(resume?.complete.map((e) => e.index));
  const cutIndex = resume?.cut?.index;
  // The cut entry goes first (the archive continues in its middle), the rest in input order (a stable sort).
  const todo = files
    .map((file, index) => ({ file, index }))
    .filter(({ index }) => !done.has(index))
    .sort((a, b) => Number(b.index === cutIndex) - Number(a.index === cutIndex));
  const keptBytes = resume?.complete.reduce((n, e) => n + e.size, 0) ?? 0;
  const downloads = await JobDownloads.open(deps, {
    jobId,
    limits: { ...data.limits, maxJobBytes: data.limits.maxJobBytes - keptBytes },
    onBytes: (n) => progress.bytes(n),
    crc32: true,
    signal: req.signal,
  });
  const upload = new MultipartWriter(deps.store, {
    key,
    contentType: 'application/zip',
    // The bucket's lifecycle rule expires archives by this tag (shared/storage/lifecycle.ts).
    tags: { [ZIP_TAG.key]: ZIP_TAG.value },
    partSize,
    partsInFlight: PARTS_IN_FLIGHT,
    signal: downloads.signal,
    resume: resume && { uploadId: resume.uploadId, parts: resume.parts },
    onDurable: (d) => checkpointer?.onDurable(d),
  });
  const checkpointer =
    deps.checkpoints &&
    new ZipCheckpointer({
      checkpoints: deps.checkpoints,
      jobId,
      owner,
      key,
      partSize,
      zlib: versions.zlib,
      saved: { parts: resume?.parts.length ?? 0, entries: kept.length },
      onLost: (err) => upload.fail(err),
      logger: deps.logger,
    });
  const zip = new ZipWriter(
    upload,
    (resume?.complete ?? []).map((e) => ({ entry: entryRecord(e), offset: e.offset })),
  );
  const pool = new CompletionPool(todo, deps.downloadConcurrency, ({ file, index }) =>
    prepareEntry(downloads, file.url, index, data.options.compression),
  );
  const entries: ZipEntry[] = (resume?.complete ?? []).map(({ url, name, size, sha256, contentType }) => ({
    url,
    name,
    size,
    sha256,
    contentType,
  }));
  for (const _ of entries) progress.fileDone(false);
  const failures: FileFailure[] = [];

  /** Copies one prepared entry from its temp file into the archive (the cut entry from the cut on). */
  async function append(prepared: PreparedEntry, index: number): Promise<string> {
    const { file } = prepared;
    const cut = resume?.cut?.index === index ? resume.cut : undefined;
    if (cut) checkSame(cut, prepared);
    const name = cut?.name ?? chosenNames[index] ?? names.allocate(deriveEntryName(file));
    const record: CheckpointEntry = {
      index,
      name,
      method: prepared.method,
      crc32: file.crc32,
      size: file.size,
      compressedSize: prepared.compressedSize,
      date: cut?.date ?? Date.now(),
      offset: cut?.offset ?? upload.size,
      url: file.url,
      sha256: file.sha256,
      contentType: file.contentType,
    };
    if (!cut) checkpointer?.entryStarting(record);
    await zip.addFile(entryRecord(record), prepared.dataPath, record.offset);
    return name;
  }

  try {
    const completed = pool.results();
    const rejected = (d: { result: PromiseSettledResult<unknown> }) => d.result.status === 'rejected';
    // In completion order the pool's results go straight through: with the ordering generator in between, the
    // 10,000-entry zip64 test wrote its entries in 24.5 s instead of 18.5 s. Only a resumed run needs it (cut first).
    const ordered =
      data.options.order === 'input'
        ? inInputOrder(completed, rejected)
        : resume?.cut
          ? inInputOrder(completed, rejected, 1)
          : completed;
    for await (const next of ordered) {
      try {
        if (next.result.status === 'rejected') {
          const err: unknown = next.result.reason;
          if (!(err instanceof FetchError)) throw err;
          if (resume?.cut?.index === next.item.index) throw new ResumeMismatch(`${err.url} failed: ${err.message}`);
          failures.push({ url: err.url, code: err.code, message: err.message });
          progress.fileDone(true);
          deps.logger.info({ url: err.url, code: err.code }, 'file failed');
          if (data.options.onError === 'fail') throw err;
          continue;
        }
        const prepared = next.result.value;
        const { file } = prepared;
        const name = await append(prepared, next.item.index);
        entries.push({ url: file.url, name, size: file.size, sha256: file.sha256, contentType: file.contentType });
        progress.fileDone(false);
      } finally {
        next.release();
        const { index } = next.item;
        await Promise.all([downloads.remove(index), rm(deflatedPath(downloads, index), { force: true })]);
      }
    }
    if (entries.length === 0) {
      const listed = failures.slice(0, 5).map((f) => `${f.url} (${f.code})`);
      const more = failures.length > listed.length ? `, and ${failures.length - listed.length} more` : '';
      throw new AppError('no_files', `None of the ${files.length} URLs could be fetched: ${listed.join(', ')}${more}`, {
        status: 422,
      });
    }
    // What follows is written again by a resumed run, so no checkpoint covers it.
    await checkpointer?.close();
    if (data.options.manifest) {
      const manifest = { filename: data.filename, createdAt: new Date().toISOString(), entries, failures };
      const { record, bytes } = await manifestEntry(manifest);
      await zip.addBuffer(record, bytes);
    }
    await zip.finish();
    const size = await upload.finish();
    await deps.checkpoints
      ?.clear(jobId)
      .catch((err: unknown) => deps.logger.warn({ err, jobId }, 'could not remove the zip checkpoint'));
    const expiresAt = new Date(Date.now() + data.expiresIn * 1000).toISOString();
    return { key, filename: data.filename, size, expiresAt, entries, failures };
  } catch (err) {
    // The first error wins: a part that failed in the background may be why this write threw something else.
    const first = upload.error ?? err;
    downloads.abort(first);
    await pool.stop();
    await checkpointer?.close();
    if (first instanceof CheckpointLost) {
      // Another run writes this upload now: leave it, and its checkpoint, alone.
      await upload.stop(first);
    } else if (checkpointer && checkpointer.savedParts > 0 && keepsForResume(first, req.signal)) {
      await upload.stop(first);
      deps.logger.info({ key, parts: checkpointer.savedParts }, 'upload kept for the next run to resume');
    } else {
      await upload.abort(first).catch((abortErr: unknown) => {
        deps.logger.warn({ err: abortErr, key }, 'could not abort the multipart upload; the janitor will');
      });
      await deps.checkpoints?.clear(jobId).catch(() => undefined);
    }
    throw first;
  } finally {
    await downloads.close();
  }
}

/** The cut entry must come out as the earlier run wrote it, or the stored bytes cannot be continued. */
function checkSame(cut: CheckpointEntry, prepared: PreparedEntry): void {
  const { file } = prepared;
  const same =
    file.sha256 === cut.sha256 &&
    file.size === cut.size &&
    file.crc32 === cut.crc32 &&
    prepared.method === cut.method &&
    prepared.compressedSize === cut.compressedSize;
  if (!same) throw new ResumeMismatch(`${cut.url} is not the file the earlier run archived`);
}
