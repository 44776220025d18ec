import { randomBytes } from 'node:crypto';
import { JOB_ID_PREFIX, type JobType } from './jobs.js';

const PREFIX_TO_TYPE = new Map<string, JobType>(
  Object.entries(JOB_ID_PREFIX).map(([type, prefix]) => [prefix, type as JobType]),
);

/** `zip_<tenant>_<128 random bits>`: unguessable, and it says which tenant and queue it belongs to. */
export function newJobId(type: JobType, tenant: string): string {
  return `${JOB_ID_PREFIX[type]}_${tenant}_${randomBytes(16).toString('base64url')}`;
}

export interface ParsedJobId {
  type: JobType;
  tenant: string;
}

/** Splits a job id; undefined when it is not one of ours. Tenant ids never contain `_`. */
export function parseJobId(id: string): ParsedJobId | undefined {
  const match = /^([a-z]+)_([a-z0-9-]{1,40})_([A-Za-z0-9_-]{22})$/.exec(id);
  if (!match) return undefined;
  const type = PREFIX_TO_TYPE.get(match[1]!);
  return type === undefined ? undefined : { type, tenant: match[2]! };
}
