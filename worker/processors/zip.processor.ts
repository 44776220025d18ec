import { zipJob } from '../../shared/jobs/zip.job.js';
import { defineProcessor, type ProcessorRuntime } from '../runtime/define-processor.js';
import { buildZip, type BuildZipDeps } from '../zip/build-zip.js';
import { shareArchive, type ShareArchiveDeps } from '../zip/share-archive.js';

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
      bytesUploaded: (r) => r.size,
      summary: (r) => ({ size: r.size, entries: r.entries.length, failures: r.failures.length }),
    },
    runtime,
  );
}
