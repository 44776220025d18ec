import { zipJobDataSchema } from '../../shared/jobs.js';
import type { Logger } from '../../shared/logger.js';
import { buildZip, type BuildZipDeps } from '../zip/build-zip.js';
import { defineProcessor, type ProcessorHooks } from './define-processor.js';

/** `onFinal` hears when a job is done for good (it queues the webhook delivery). */
export function createZipProcessor(deps: BuildZipDeps, logger: Logger, hooks: ProcessorHooks = {}) {
  return defineProcessor(logger, {
    queue: 'zip',
    schema: zipJobDataSchema,
    filesTotal: (data) => new Set(data.files.map((f) => f.url)).size,
    run: ({ jobId, data, progress, logger: log, signal }) =>
      buildZip({ ...deps, logger: log }, { jobId, data, progress, signal }),
    bytesUploaded: (r) => r.size,
    summary: (r) => ({ size: r.size, entries: r.entries.length, failures: r.failures.length }),
  }, hooks);
}
