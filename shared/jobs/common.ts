import { z } from 'zod';

/*
 * Pieces every job kind's contract is built from. A kind's own schemas live in `<kind>.job.ts` beside this file.
 */

export const MAX_URL_LENGTH = 2048;
// Control characters (C0, DEL, C1) are never allowed in names.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

/** True when `s` holds no control character. */
export const noControlChars = (s: string): boolean => !CONTROL_CHARS.test(s);

/**
 * `noControlChars` for JSON Schema (the OpenAPI document): a refinement is invisible to the conversion, so each
 * schema that refines says in its `.meta()` what JSON Schema can of the rule.
 */
export const NO_CONTROL_CHARS_PATTERN = '^[^\\u0000-\\u001f\\u007f-\\u009f]*$';

/**
 * A `.meta({ override })` for an object refined to take exactly one of `fields`: its JSON Schema becomes one
 * closed form per field (`oneOf`), so the document refuses neither-nor and both, and client generators turn it
 * into a union type instead of an object whose fields are all optional.
 */
export function exactlyOneOf(fields: readonly string[]) {
  return ({ jsonSchema }: { jsonSchema: z.core.JSONSchema.BaseSchema }): void => {
    const { type, properties = {}, required = [], additionalProperties, ...annotations } = jsonSchema;
    // The form of `field` has it and every property that is not one of `fields`.
    const inForm =
      (field: string) =>
      ([name]: [string, unknown]) =>
        name === field || !fields.includes(name);
    const forms = fields.map((field) => ({
      type,
      properties: Object.fromEntries(Object.entries(properties).filter(inForm(field))),
      required: [...required, field],
      additionalProperties,
    }));
    for (const key of Object.keys(jsonSchema)) delete jsonSchema[key];
    Object.assign(jsonSchema, annotations, { oneOf: forms });
  };
}

/**
 * The longest array among `fields` of a body not validated yet (a field that is not an array counts 0: the
 * schema says what is wrong with it). Reading only lengths keeps the file limit's check cheap whatever the body.
 */
export function longestArray(
  body: Readonly<Record<string, unknown>>,
  fields: readonly [string, ...string[]],
): { field: string; count: number } {
  const counted = fields.map((field) => {
    const value = body[field];
    return { field, count: Array.isArray(value) ? value.length : 0 };
  });
  return counted.reduce((a, b) => (b.count > a.count ? b : a));
}

/** An absolute http(s) URL without credentials, at most 2048 characters. */
export const httpUrlSchema = z
  .string()
  .max(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`)
  .superRefine((value, ctx) => {
    // Asked first, not caught: a thrown TypeError costs ~6 µs, most of the time spent on a body of bad URLs.
    if (!URL.canParse(value)) {
      ctx.addIssue({ code: 'custom', message: 'is not a valid URL' });
      return;
    }
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: 'must use http or https' });
    }
    if (url.username !== '' || url.password !== '') {
      ctx.addIssue({ code: 'custom', message: 'must not contain credentials' });
    }
  })
  // WHATWG URL parsing has no JSON Schema equivalent (`format: uri` refuses URLs it accepts): described only.
  .meta({ description: 'An absolute http or https URL without credentials, at most 2048 characters.' });

/** `webhook` of a job-creating request: where the job's final state is POSTed. */
export const webhookRequestSchema = z.strictObject({ url: httpUrlSchema }).meta({
  description:
    'Where the job’s final state is POSTed, signed (see `webhooks`); https unless the deployment allows private ' +
    'networks. The tenant needs a webhook secret.',
});

/** The part of a tenant's limits a worker enforces, copied into the job so it cannot change under it. */
export const jobLimitsSchema = z.object({
  maxFileBytes: z.number().int().positive(),
  maxJobBytes: z.number().int().positive(),
  allowedTypes: z.array(z.string()),
});
export type JobLimits = z.infer<typeof jobLimitsSchema>;

/** What every job's queue payload carries, whatever its kind. */
export const baseJobDataSchema = z.object({
  tenant: z.string(),
  webhook: z.object({ url: z.string() }).optional(),
});
export type BaseJobData = z.infer<typeof baseJobDataSchema>;

export const fileFailureSchema = z.object({ url: z.string(), code: z.string(), message: z.string() });
export type FileFailure = z.infer<typeof fileFailureSchema>;

const count = z.number().int().nonnegative();

/** A job's progress as workers report it and the job document shows it. */
export const jobProgressSchema = z.object({
  filesTotal: count,
  filesDone: count,
  filesFailed: count,
  bytesDownloaded: count,
});
export type JobProgress = z.infer<typeof jobProgressSchema>;
