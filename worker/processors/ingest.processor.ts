import { ingestJobDataSchema } from '../../shared/jobs.js';
import type { Logger } from '../../shared/logger.js';
import { mediaKey } from '../../shared/url-normalize.js';
import { ingestMedia, type IngestDeps } from '../ingest/ingest-media.js';
import { defineProcessor, type ProcessorHooks } from './define-processor.js';

/** `onFinal` hears when a job is done for good (it queues the webhook delivery). */
export function createIngestProcessor(deps: IngestDeps, logger: Logger, hooks: ProcessorHooks = {}) {
  return defineProcessor(logger, {
    queue: 'ingest',
    schema: ingestJobDataSchema,
    filesTotal: (data) => new Set(data.urls.map((u) => mediaKey(data.tenant, u))).size,
    run: ({ jobId, data, progress, logger: log, signal }) =>
      ingestMedia({ ...deps, logger: log }, { jobId, data, progress, signal }),
    bytesUploaded: (r) => r.items.reduce((n, i) => n + (i.status === 'stored' ? (i.size ?? 0) : 0), 0),
    summary: (r) => {
      const count = (s: string) => r.items.filter((i) => i.status === s).length;
      return { stored: count('stored'), existing: count('existing'), failed: count('failed') };
    },
  }, hooks);
}
