import { zipJob } from '../../shared/jobs/zip.job.js';
import { defineProcessor, type ProcessorRuntime } from '../runtime/define-processor.js';
import { buildZip, type BuildZipDeps } from '../zip/build-zip.js';
import { removeFailedArchive } from '../zip/remove-failed-archive.js';
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
      // A job that failed for good may still have left its archive (S3 completed it, the answer was lost).
      onAttemptFailed: (_err, final, { jobId, data, logger }) => {
        if (final) {
          const key = zipObjectKey(deps.keyPrefix, data.tenant, jobId, data.filename);
          void removeFailedArchive(deps.store, key, logger);
        }
        return Promise.resolve();
      },
      bytesUploaded: (r) => r.size,
      summary: (r) => ({ size: r.size, entries: r.entries.length, failures: r.failures.length }),
    },
    runtime,
  );
}
