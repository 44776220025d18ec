import type { z } from 'zod';
import type { JobProgress } from '../shared/jobs/common.js';
import type { createIngestRequestSchema } from '../shared/jobs/ingest.job.js';
import type { JobDocument as AnyJobDocument, JobState } from '../shared/jobs/job-document.js';
import type { acceptedJobSchema, cancelledJobSchema } from '../shared/jobs/job-replies.js';
import type { JobType, ResultViewOf } from '../shared/jobs/registry.js';
import type { createZipRequestSchema } from '../shared/jobs/zip.job.js';
import type { variantRequestSchema, variantResponseSchema } from '../shared/media/variant-request.js';

/*
 * Every type of the client, inferred from the zod schemas the API validates and answers with (type-only imports:
 * nothing of shared/ runs in the client, so it stays free of Node-only modules).
 */

/** POST /v1/zips body, as the caller writes it (defaults may be left out). */
export type ZipRequest = z.input<typeof createZipRequestSchema>;
/** POST /v1/ingests body, as the caller writes it. */
export type IngestRequest = z.input<typeof createIngestRequestSchema>;
/** The 202 answer of a job-creating route. */
export type AcceptedJob = z.output<typeof acceptedJobSchema>;
/** The 202 answer of DELETE /v1/jobs/:id. */
export type CancelledJob = z.output<typeof cancelledJobSchema>;
export type { JobProgress, JobState, JobType };

/** The job document of one kind: `result` is that kind's result. */
export type JobDocumentOf<T extends JobType> = Omit<AnyJobDocument, 'type' | 'result'> & {
  type: T;
  result?: ResultViewOf<T>;
};
/** The job document (GET /v1/jobs/:id, the event stream's last event), narrowed by `type`. */
export type JobDocument = { [T in JobType]: JobDocumentOf<T> }[JobType];
export type ZipJobDocument = JobDocumentOf<'zip'>;
export type IngestJobDocument = JobDocumentOf<'ingest'>;

/** POST /v1/media/variants body (exactly one of `url` and `key`; a `preset` alone). */
export type MediaVariantRequest = z.input<typeof variantRequestSchema>;
/** POST /v1/media/variants answer. */
export type MediaVariant = z.output<typeof variantResponseSchema>;
