import type { z } from 'zod';
import { ingestJob } from './ingest.job.js';
import type { JobKind } from './job-kind.js';
import { zipJob } from './zip.job.js';

/**
 * THE list of job kinds clients can create. Queues, routes, the OpenAPI document, the worker's processor map and
 * the webhook payload derive from it: a kind added here without a processor does not compile.
 */
export const JOB_KINDS = {
  zip: zipJob,
  ingest: ingestJob,
} as const;

export type JobKinds = typeof JOB_KINDS;
export type JobType = keyof JobKinds;
export const JOB_TYPES = Object.keys(JOB_KINDS) as [JobType, ...JobType[]];

/** The queue payload of a kind. */
export type JobDataOf<T extends JobType> = z.output<JobKinds[T]['data']>;
/** A kind's processor result as stored in Redis. */
export type JobResultOf<T extends JobType> = z.output<JobKinds[T]['result']>;
/** A kind's result as the job document shows it. */
export type ResultViewOf<T extends JobType> =
  NonNullable<JobKinds[T]['view']> extends { schema: z.ZodType<infer V> } ? V : never;

/** Every kind, as the generic shape the API and the OpenAPI builder walk. */
export const jobKinds = (): JobKind[] => JOB_TYPES.map((t) => JOB_KINDS[t] as unknown as JobKind);

/** Refuses a registry whose keys and kinds disagree, or whose id prefixes collide (checked at import). */
export function checkRegistry(kinds: Record<string, JobKind>): void {
  const prefixes = new Set<string>();
  for (const [key, kind] of Object.entries(kinds)) {
    if (kind.type !== key) throw new Error(`job kind "${kind.type}" is registered as "${key}"`);
    if (!/^[a-z]+$/.test(kind.idPrefix)) throw new Error(`job kind "${key}": id prefix must be lower-case letters`);
    if (prefixes.has(kind.idPrefix)) throw new Error(`job kind "${key}": id prefix "${kind.idPrefix}" is taken`);
    prefixes.add(kind.idPrefix);
  }
}
checkRegistry(JOB_KINDS);
