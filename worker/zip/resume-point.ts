import { versions } from 'node:process';
import type { Logger } from '../../shared/logger.js';
import type { ObjectStore } from '../../shared/storage/object-store.js';
import type { UploadedPart } from '../upload/multipart-writer.js';
import type { CheckpointEntry, ZipCheckpoint, ZipCheckpoints } from './zip-checkpoints.js';
import { localHeader, METHOD_DEFLATE, type EntryRecord } from './zip-records.js';

/** Where a retried zip job continues: the parts kept, the entries complete in them, and the one they cut. */
export interface ResumePoint {
  uploadId: string;
  parts: UploadedPart[];
  /** Archive bytes in the kept parts. */
  bytes: number;
  complete: CheckpointEntry[];
  /** The entry that starts in the kept parts and ends after them: written again from the cut on. */
  cut?: CheckpointEntry;
}

export interface ResumeTarget {
  jobId: string;
  key: string;
  partSize: number;
}

/** The record a checkpoint entry was written with. */
export function entryRecord(e: CheckpointEntry): EntryRecord {
  return {
    name: Buffer.from(e.name),
    method: e.method,
    crc32: e.crc32,
    size: e.size,
    compressedSize: e.compressedSize,
    date: new Date(e.date),
  };
}

const entryEnd = (e: CheckpointEntry) => e.offset + localHeader(entryRecord(e)).length + e.compressedSize;
const unquoted = (etag: string) => etag.replace(/"/g, '');

/**
 * The point a job's earlier run reached, if it can be continued: its checkpoint is for this archive (same key
 * and part size; the same zlib if the cut entry is deflated), and its multipart upload still holds every checkpointed part with the ETag it answered.
 * A checkpoint that cannot be used is dropped and its upload aborted; the job then starts over.
 */
export async function findResumePoint(
  store: ObjectStore,
  checkpoints: ZipCheckpoints,
  target: ResumeTarget,
  logger: Logger,
): Promise<ResumePoint | undefined> {
  const cp = await checkpoints.load(target.jobId);
  if (!cp) return undefined;
  const reject = async (why: string) => {
    logger.warn({ key: cp.key, uploadId: cp.uploadId, why }, 'the checkpoint cannot be resumed: starting over');
    await abandonCheckpoint(store, checkpoints, target.jobId, cp);
    return undefined;
  };
  if (cp.key !== target.key) return reject(`it is for ${cp.key}`);
  if (cp.partSize !== target.partSize) return reject(`its parts are ${cp.partSize} bytes, not ${target.partSize}`);
  const stored = await store.listParts(cp.key, cp.uploadId);
  if (!stored) return reject('its upload is gone');
  const byNumber = new Map(stored.map((p) => [p.partNumber, p]));
  for (const part of cp.parts) {
    const there = byNumber.get(part.partNumber);
    if (!there || unquoted(there.etag) !== unquoted(part.etag) || there.size !== cp.partSize) {
      return reject(`part ${part.partNumber} is not the one uploaded`);
    }
  }
  const bytes = cp.parts.length * cp.partSize;
  const complete = cp.entries.filter((e) => entryEnd(e) <= bytes);
  const cut = cp.entries.filter((e) => entryEnd(e) > bytes);
  if (cut.length > 1 || (cut.length === 1 && cut[0] !== cp.entries.at(-1))) return reject('its entries overlap');
  // The cut entry is compressed again: the same bytes come out only from the same zlib.
  if (cut[0]?.method === METHOD_DEFLATE && cp.zlib !== versions.zlib) {
    return reject(`its last entry was deflated with zlib ${cp.zlib}, this is ${versions.zlib}`);
  }
  return { uploadId: cp.uploadId, parts: cp.parts, bytes, complete, cut: cut[0] };
}

/** Aborts the upload a job's checkpoint kept and forgets the checkpoint (a job that failed for good). */
export async function abandonCheckpoint(
  store: ObjectStore,
  checkpoints: ZipCheckpoints,
  jobId: string,
  cp?: ZipCheckpoint,
): Promise<void> {
  const stored = cp ?? (await checkpoints.load(jobId));
  try {
    if (stored) await store.abortUpload({ key: stored.key, uploadId: stored.uploadId });
  } finally {
    // Even when S3 is away: the janitor aborts the upload later, and no run may resume it.
    await checkpoints.clear(jobId);
  }
}
