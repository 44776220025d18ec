import { ingestJob } from '../../shared/jobs/ingest.job.js';
import { ingestMedia, type IngestDeps } from '../ingest/ingest-media.js';
import { defineProcessor, type ProcessorRuntime } from '../runtime/define-processor.js';

/** The `ingest` queue: each URL's file copied into the media bucket once, one result per URL. */
export function createIngestProcessor(deps: Omit<IngestDeps, 'logger'>, runtime: ProcessorRuntime) {
  return defineProcessor(
    {
      queue: ingestJob.type,
      schema: ingestJob.data,
      filesTotal: ingestJob.filesTotal,
      run: ({ jobId, data, progress, logger, signal }) =>
        ingestMedia({ ...deps, logger }, { jobId, data, progress, signal }),
      bytesUploaded: (r) => r.items.reduce((n, i) => n + (i.status === 'stored' ? (i.size ?? 0) : 0), 0),
      summary: (r) => {
        const count = (s: string) => r.items.filter((i) => i.status === s).length;
        return { stored: count('stored'), existing: count('existing'), failed: count('failed') };
      },
    },
    runtime,
  );
}
