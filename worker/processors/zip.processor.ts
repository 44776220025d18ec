import { zipJob } from '../../shared/jobs/zip.job.js';
import { defineProcessor, type ProcessorRuntime } from '../runtime/define-processor.js';
import { buildZip, type BuildZipDeps } from '../zip/build-zip.js';
import { removeFailedArchive } from '../zip/remove-failed-archive.js';
import { abandonCheckpoint } from '../zip/resume-point.js';
import { shareArchive, type ShareArchiveDeps } from '../zip/share-archive.js';
import { zipObjectKey } from '../zip/zip-key.js';

/** The `zip` queue: one archive per job, uploaded as it is written, and its share link when one was asked for. */
export function createZipProcessor(
  deps: Omit<BuildZipDeps, 'logger'> & { share: ShareArchiveDeps },
  runtime: ProcessorRuntime,
) {
  return defineProcessor(
    {
      queue: zipJob.type,
      schema: zipJob.data,
      filesTotal: zipJob.filesTotal,
      run: async ({ jobId, data, progress, logger, signal }) => {
        const result = await buildZip({ ...deps, logger }, { jobId, data, progress, signal });
        const shareUrl = await shareArchive(deps.share, jobId, data, result);
        return shareUrl === undefined ? result : { ...result, shareUrl };
      },
      // A job that failed for good may still have left its archive (S3 completed it, the answer was lost), and
      // the upload its last run kept for a resume.
      onAttemptFailed: (_err, final, { jobId, data, logger }) => {
        if (!final) return Promise.resolve();
        const key = zipObjectKey(deps.keyPrefix, data.tenant, jobId, data.filename);
        void removeFailedArchive(deps.store, key, logger);
        // No run will resume it: the upload it kept goes now (or, if S3 is away, the janitor takes it).
        const { checkpoints } = deps;
        return checkpoints
          ? abandonCheckpoint(deps.store, checkpoints, jobId).catch((err: unknown) =>
              logger.warn({ err }, 'could not abort the upload of a failed zip; the janitor will'),
            )
          : Promise.resolve();
      },
      bytesUploaded: (r) => r.size,
      summary: (r) => ({ size: r.size, entries: r.entries.length, failures: r.failures.length }),
    },
    runtime,
  );
}
