import { z } from 'zod';
import { AppError } from '../errors/app-error.js';
import { hashSharePassword } from '../share/share-password.js';
import {
  baseJobDataSchema,
  exactlyOneOf,
  fileFailureSchema,
  httpUrlSchema,
  jobLimitsSchema,
  longestArray,
  NO_CONTROL_CHARS_PATTERN,
  noControlChars,
  webhookRequestSchema,
} from './common.js';
import { defineJobKind, type ResultViewContext } from './job-kind.js';
import { workerLimits } from './worker-limits.js';

/** An entry name inside the archive; folders with `/`. Sanitised again by the worker. */
export const entryNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(1024, 'must be at most 1024 characters')
  .refine(noControlChars, 'must not contain control characters')
  .meta({ description: 'The entry’s name inside the archive; folders with `/`.', pattern: NO_CONTROL_CHARS_PATTERN });

/** The archive's file name, without folders; `.zip` is added when missing. */
export const archiveFilenameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine(noControlChars, 'must not contain control characters')
  .refine((s) => !/[/\\]/.test(s), 'must not contain / or \\')
  .refine((s) => s !== '.' && s !== '..', 'must be a file name')
  .meta({
    description: 'The archive’s file name, without folders; `.zip` is added when missing. Surrounding spaces go.',
    // The rules above for JSON Schema: no control characters or slashes; not empty, `.` or `..` once trimmed.
    pattern: '^[^\\u0000-\\u001f\\u007f-\\u009f/\\\\]*$',
    not: { pattern: '^\\s*\\.{0,2}\\s*$' },
  });

export const zipOptionsSchema = z.strictObject({
  /** `auto` stores already-compressed types and deflates the rest. */
  compression: z.enum(['auto', 'store', 'deflate']).default('auto'),
  /** `fail`: any failed URL fails the job; `skip`: the archive holds what succeeded. */
  onError: z.enum(['fail', 'skip']).default('fail'),
  /** Seconds the archive stays downloadable; capped by ZIP_MAX_EXPIRES_IN. */
  expiresIn: z.number().int().min(60).max(604_800).optional(),
  /** Add `manifest.json` (entries and failures) as the archive's last entry. */
  manifest: z.boolean().default(false),
  /** `completion`: entries in the order downloads finish (fastest); `input`: in the order given. */
  order: z.enum(['completion', 'input']).default('completion'),
});
export type ZipOptions = z.infer<typeof zipOptionsSchema>;

/** `share` of a zip request: the archive gets a page to send people to (`result.shareUrl`). */
export const shareRequestSchema = z
  .strictObject({
    password: z
      .string()
      .min(8, 'must be at least 8 characters')
      .max(128, 'must be at most 128 characters')
      .optional()
      .meta({ description: 'Asked for before the page shows anything; stored only as a salted scrypt hash.' }),
    maxDownloads: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .optional()
      .meta({ description: 'Downloads the page allows; after the last one it answers 410.' }),
  })
  .meta({ description: 'Make a share page for the archive: `result.shareUrl`, valid until the archive expires.' });

/** `notify` of a zip request: who is emailed the share link once the archive is ready. */
export const notifyRequestSchema = z
  .strictObject({
    email: z
      .array(z.email('must be an email address').max(254))
      .min(1, 'must not be empty')
      .max(10, 'must be at most 10 addresses'),
    message: z
      .string()
      .max(1000, 'must be at most 1000 characters')
      .refine((s) => noControlChars(s.replace(/[\n\r\t]/g, '')), 'must not contain control characters')
      .optional()
      .meta({ description: 'A note from the sender, shown in the email (as text: no markup).' }),
  })
  .meta({
    description:
      'Email the share link (with the file count, total size and expiry) to each address once the archive is ' +
      'ready; implies `share`. Needs SMTP_URL.',
  });

export const zipFileRequestSchema = z.strictObject({ url: httpUrlSchema, name: entryNameSchema.optional() });

/** POST /v1/zips body: `files` or the seed's `urls`, exactly one of them. */
export const createZipRequestSchema = z
  .strictObject({
    filename: archiveFilenameSchema,
    files: z.array(zipFileRequestSchema).min(1, 'must not be empty').optional(),
    urls: z.array(httpUrlSchema).min(1, 'must not be empty').optional(),
    webhook: webhookRequestSchema.optional(),
    options: zipOptionsSchema.optional(),
    share: shareRequestSchema.optional(),
    notify: notifyRequestSchema.optional(),
  })
  .superRefine((body, ctx) => {
    if (body.files === undefined && body.urls === undefined) {
      ctx.addIssue({ code: 'custom', path: ['urls'], message: 'urls or files is required' });
    }
    if (body.files !== undefined && body.urls !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['files'], message: 'give urls or files, not both' });
    }
  })
  .meta({ override: exactlyOneOf(['files', 'urls']) });
export type CreateZipRequest = z.infer<typeof createZipRequestSchema>;

/** What the `zip` queue carries; the API builds it, the processor parses it on entry. */
export const zipJobDataSchema = baseJobDataSchema.extend({
  /** The archive's file name, always ending in `.zip`. */
  filename: z.string(),
  files: z.array(z.object({ url: z.string(), name: z.string().optional() })).min(1),
  options: z.object({
    compression: zipOptionsSchema.shape.compression,
    onError: zipOptionsSchema.shape.onError,
    manifest: z.boolean(),
    order: zipOptionsSchema.shape.order,
  }),
  /** Seconds from completion until the archive expires. */
  expiresIn: z.number().int().positive(),
  limits: jobLimitsSchema,
  /** A share page is made once the archive is ready; the password arrives here already hashed. */
  share: z.object({ passwordHash: z.string().optional(), maxDownloads: z.number().int().optional() }).optional(),
  notify: z.object({ email: z.array(z.string()).min(1), message: z.string().optional() }).optional(),
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

/** The zip processor's return value as stored in Redis; the download URL is minted on every read. */
export const zipJobResultSchema = z.object({
  key: z.string(),
  filename: z.string(),
  size: z.number(),
  expiresAt: z.string(),
  entries: z.array(zipEntrySchema),
  failures: z.array(fileFailureSchema),
  shareUrl: z
    .string()
    .optional()
    .meta({ description: 'The share page (`<PUBLIC_URL>/s/<token>`), for a job created with `share` or `notify`.' }),
});
export type ZipJobResult = z.infer<typeof zipJobResultSchema>;

/** A finished zip as GET /v1/jobs/:id shows it: the stored result plus a freshly presigned link. */
export const zipResultViewSchema = zipJobResultSchema.extend({
  expiresAt: z.iso.datetime(),
  downloadUrl: z.string().optional().meta({
    description: 'Presigned GET of the archive, minted on every read; absent once the archive has expired.',
  }),
  withdrawnAt: z.iso.datetime().optional().meta({
    description: 'When `DELETE /v1/jobs/:id/archive` deleted the archive; there is no `downloadUrl` from then on.',
  }),
  downloadUrlExpiresAt: z.iso
    .datetime()
    .optional()
    .meta({
      description:
        'When `downloadUrl` stops working, given only when that is before `expiresAt`: the credentials that signed ' +
        'it (temporary ones: instance or task roles, SSO) expire sooner. GET the job again for a fresh link.',
    }),
});
export type ZipResultView = z.infer<typeof zipResultViewSchema>;

/** Presigned URLs cannot outlive SigV4's 7-day limit. */
const MAX_PRESIGN_SECONDS = 604_800;

/**
 * A fresh presigned URL for a finished archive, valid until the archive's expiry and never past it (nor past
 * the signing credentials', which `downloadUrlExpiresAt` then tells); undefined once it has expired.
 */
async function presentZip(result: ZipJobResult, { store, now }: ResultViewContext): Promise<ZipResultView> {
  const seconds = Math.min(MAX_PRESIGN_SECONDS, Math.floor((Date.parse(result.expiresAt) - now) / 1000));
  const link =
    seconds < 1
      ? undefined
      : await store.presignGet({ key: result.key, expiresIn: seconds, downloadFilename: result.filename });
  const cut = link !== undefined && link.expiresIn < seconds;
  return {
    downloadUrl: link?.url,
    ...(cut ? { downloadUrlExpiresAt: link.expiresAt.toISOString() } : {}),
    ...result,
  };
}

const archiveFilename = (name: string) => (/\.zip$/i.test(name) ? name : `${name}.zip`);

/** Zip jobs: download every URL into one archive, uploaded to S3 as it is written. */
export const zipJob = defineJobKind({
  type: 'zip',
  idPrefix: 'zip',
  path: '/v1/zips',
  docs: {
    operationId: 'createZip',
    summary: 'Queue a zip archive of the given URLs',
    requestName: 'ZipRequest',
    resultName: 'ZipResult',
  },
  request: createZipRequestSchema,
  data: zipJobDataSchema,
  result: zipJobResultSchema,
  files: (body) => longestArray(body, ['files', 'urls']),
  idempotencyBody(body) {
    const share = body.share;
    if (typeof share !== 'object' || share === null || !('password' in share)) return body;
    const { password: _password, ...rest } = share as Record<string, unknown>;
    return { ...body, share: { ...rest, password: '(not compared)' } };
  },
  async toData(body, { tenant, config }) {
    const options = body.options ?? { compression: 'auto', onError: 'fail', manifest: false, order: 'completion' };
    const share = body.share ?? (body.notify ? {} : undefined);
    if (share && config.PUBLIC_URL === undefined) {
      throw new AppError('share_not_configured', 'PUBLIC_URL is not set: ferry cannot make share links');
    }
    if (body.notify && config.SMTP_URL === undefined) {
      throw new AppError('mail_not_configured', 'SMTP_URL is not set: ferry cannot send email');
    }
    return {
      tenant: tenant.id,
      filename: archiveFilename(body.filename),
      files: body.files ?? (body.urls ?? []).map((url) => ({ url })),
      options: {
        compression: options.compression,
        onError: options.onError,
        manifest: options.manifest,
        order: options.order,
      },
      expiresIn: Math.min(options.expiresIn ?? config.ZIP_DEFAULT_EXPIRES_IN, config.ZIP_MAX_EXPIRES_IN),
      limits: workerLimits(tenant),
      webhook: body.webhook,
      share: share && {
        passwordHash: share.password === undefined ? undefined : await hashSharePassword(share.password),
        maxDownloads: share.maxDownloads,
      },
      notify: body.notify && {
        // One email per address, however it was capitalised (the first spelling is kept).
        email: body.notify.email.filter(
          (e, i, all) => all.findIndex((other) => other.toLowerCase() === e.toLowerCase()) === i,
        ),
        message: body.notify.message,
      },
    };
  },
  filesTotal: (data) => new Set(data.files.map((f) => f.url)).size,
  view: { schema: zipResultViewSchema, present: presentZip },
});
