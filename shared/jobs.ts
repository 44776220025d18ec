import { z } from 'zod';

/** Queue names; one processor module per queue. */
export const QUEUE_NAMES = ['zip', 'ingest', 'webhook'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** Job types a client can create, and the prefix their ids carry. */
export const JOB_ID_PREFIX = { zip: 'zip', ingest: 'ing' } as const;
export type JobType = keyof typeof JOB_ID_PREFIX;

export const MAX_URL_LENGTH = 2048;
// Control characters (C0, DEL, C1) are never allowed in names.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

/** An absolute http(s) URL without credentials, at most 2048 characters. */
export const httpUrlSchema = z
  .string()
  .max(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`)
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not a valid URL' });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: 'must use http or https' });
    }
    if (url.username !== '' || url.password !== '') {
      ctx.addIssue({ code: 'custom', message: 'must not contain credentials' });
    }
  });

const noControlChars = (s: string) => !CONTROL_CHARS.test(s);

/** An entry name inside the archive; folders with `/`. Sanitised again by the worker. */
export const entryNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(1024, 'must be at most 1024 characters')
  .refine(noControlChars, 'must not contain control characters');

/** The archive's file name, without folders; `.zip` is added when missing. */
export const archiveFilenameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine(noControlChars, 'must not contain control characters')
  .refine((s) => !/[/\\]/.test(s), 'must not contain / or \\')
  .refine((s) => s !== '.' && s !== '..', 'must be a file name');

export const webhookRequestSchema = z.strictObject({ url: httpUrlSchema });

export const zipOptionsSchema = z.strictObject({
  /** `auto` stores already-compressed types and deflates the rest. */
  compression: z.enum(['auto', 'store', 'deflate']).default('auto'),
  /** `fail`: any failed URL fails the job; `skip`: the archive holds what succeeded. */
  onError: z.enum(['fail', 'skip']).default('fail'),
  /** Seconds the archive stays downloadable; capped by ZIP_MAX_EXPIRES_IN. */
  expiresIn: z.number().int().min(60).max(604_800).optional(),
  /** Add `manifest.json` (entries and failures) as the archive's last entry. */
  manifest: z.boolean().default(false),
});
export type ZipOptions = z.infer<typeof zipOptionsSchema>;

export const zipFileRequestSchema = z.strictObject({ url: httpUrlSchema, name: entryNameSchema.optional() });

/** POST /v1/zips body: `files` or the seed's `urls`, exactly one of them. */
export const createZipRequestSchema = z
  .strictObject({
    filename: archiveFilenameSchema,
    files: z.array(zipFileRequestSchema).min(1, 'must not be empty').optional(),
    urls: z.array(httpUrlSchema).min(1, 'must not be empty').optional(),
    webhook: webhookRequestSchema.optional(),
    options: zipOptionsSchema.optional(),
  })
  .superRefine((body, ctx) => {
    if (body.files === undefined && body.urls === undefined) {
      ctx.addIssue({ code: 'custom', path: ['urls'], message: 'urls or files is required' });
    }
    if (body.files !== undefined && body.urls !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['files'], message: 'give urls or files, not both' });
    }
  });
export type CreateZipRequest = z.infer<typeof createZipRequestSchema>;

/** What the `zip` queue carries; the API builds it, the processor parses it on entry. */
export const zipJobDataSchema = z.object({
  tenant: z.string(),
  /** The archive's file name, always ending in `.zip`. */
  filename: z.string(),
  files: z.array(z.object({ url: z.string(), name: z.string().optional() })).min(1),
  options: z.object({
    compression: zipOptionsSchema.shape.compression,
    onError: zipOptionsSchema.shape.onError,
    manifest: z.boolean(),
  }),
  /** Seconds from completion until the archive expires. */
  expiresIn: z.number().int().positive(),
  limits: z.object({
    maxFileBytes: z.number().int().positive(),
    maxJobBytes: z.number().int().positive(),
    allowedTypes: z.array(z.string()),
  }),
  webhook: z.object({ url: z.string() }).optional(),
});
export type ZipJobData = z.infer<typeof zipJobDataSchema>;

export const zipEntrySchema = z.object({
  url: z.string(),
  name: z.string(),
  size: z.number(),
  sha256: z.string(),
  contentType: z.string(),
});
export type ZipEntry = z.infer<typeof zipEntrySchema>;

export const fileFailureSchema = z.object({ url: z.string(), code: z.string(), message: z.string() });
export type FileFailure = z.infer<typeof fileFailureSchema>;

/** The zip processor's return value as stored in Redis; the download URL is minted on every read. */
export const zipJobResultSchema = z.object({
  key: z.string(),
  filename: z.string(),
  size: z.number(),
  expiresAt: z.string(),
  entries: z.array(zipEntrySchema),
  failures: z.array(fileFailureSchema),
});
export type ZipJobResult = z.infer<typeof zipJobResultSchema>;

/** POST /v1/ingests body. */
export const createIngestRequestSchema = z.strictObject({
  urls: z.array(httpUrlSchema).min(1, 'must not be empty'),
  webhook: webhookRequestSchema.optional(),
  options: z
    .strictObject({
      /** Fetch again and replace the index record even when the URL was ingested before. */
      refresh: z.boolean().default(false),
    })
    .optional(),
});
export type CreateIngestRequest = z.infer<typeof createIngestRequestSchema>;

/** What the `ingest` queue carries. */
export const ingestJobDataSchema = z.object({
  tenant: z.string(),
  /** As sent, in input order, duplicates included (each gets its own item in the result). */
  urls: z.array(z.string()).min(1),
  options: z.object({ refresh: z.boolean() }),
  limits: zipJobDataSchema.shape.limits,
  webhook: z.object({ url: z.string() }).optional(),
});
export type IngestJobData = z.infer<typeof ingestJobDataSchema>;

export const ingestItemSchema = z.object({
  url: z.string(),
  status: z.enum(['stored', 'existing', 'failed']),
  key: z.string().optional(),
  publicUrl: z.string().optional(),
  size: z.number().optional(),
  contentType: z.string().optional(),
  sha256: z.string().optional(),
  etag: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type IngestItem = z.infer<typeof ingestItemSchema>;

/** One item per input URL, in input order. */
export const ingestJobResultSchema = z.object({ items: z.array(ingestItemSchema) });
export type IngestJobResult = z.infer<typeof ingestJobResultSchema>;

/** The events a delivery reports; one per job, sent once it is completed or failed for good. */
export const WEBHOOK_EVENTS = ['job.completed', 'job.failed'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** What the `webhook` queue carries: one delivery of one job's final state. */
export const webhookJobDataSchema = z.object({
  /** The zip or ingest job the delivery is about. */
  jobId: z.string(),
  type: z.enum(['zip', 'ingest']),
  tenant: z.string(),
  url: z.string(),
  event: z.enum(WEBHOOK_EVENTS),
  /** `webhook-id`: the same on every attempt, so receivers can dedupe. */
  eventId: z.string(),
});
export type WebhookJobData = z.infer<typeof webhookJobDataSchema>;

/** What the webhook processor leaves in the delivery job's progress after each attempt. */
export interface WebhookProgress {
  lastStatus?: number;
  lastError?: string;
}

/** The delivery's job id: deterministic, so a job run twice still queues one delivery. */
export function webhookDeliveryId(jobId: string): string {
  return `wh_${jobId}`;
}

/** The delivery's `webhook-id`, stable across retries. */
export function webhookEventId(jobId: string): string {
  return `msg_${jobId}`;
}

export interface JobProgress {
  filesTotal: number;
  filesDone: number;
  filesFailed: number;
  bytesDownloaded: number;
}
