import { zipJob } from '../../shared/jobs/zip.job.js';
import { defineProcessor, type ProcessorRuntime } from '../runtime/define-processor.js';
import { buildZip, type BuildZipDeps } from '../zip/build-zip.js';

/** The `zip` queue: one archive per job, uploaded as it is written. */
export function createZipProcessor(deps: Omit<BuildZipDeps, 'logger'>, runtime: ProcessorRuntime) {
  return defineProcessor(
    {
      queue: zipJob.type,
      schema: zipJob.data,
      filesTotal: zipJob.filesTotal,
      run: ({ jobId, data, progress, logger, signal }) =>
        buildZip({ ...deps, logger }, { jobId, data, progress, signal }),
      bytesUploaded: (r) => r.size,
      summary: (r) => ({ size: r.size, entries: r.entries.length, failures: r.failures.length }),
    },
    runtime,
  );
}
