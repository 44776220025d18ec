import { randomBytes } from 'node:crypto';
import { JOB_KINDS, JOB_TYPES, type JobType } from '../../shared/jobs/registry.js';

const TYPE_BY_PREFIX = new Map<string, JobType>(JOB_TYPES.map((type) => [JOB_KINDS[type].idPrefix, type]));

/** `zip_<tenant>_<128 random bits>`: unguessable, and it says which tenant and queue it belongs to. */
export function newJobId(type: JobType, tenant: string): string {
  return `${JOB_KINDS[type].idPrefix}_${tenant}_${randomBytes(16).toString('base64url')}`;
}

export interface ParsedJobId {
  type: JobType;
  tenant: string;
}

/** Splits a job id; undefined when it is not one of ours. Tenant ids never contain `_`. */
export function parseJobId(id: string): ParsedJobId | undefined {
  const match = /^([a-z]+)_([a-z0-9-]{1,40})_([A-Za-z0-9_-]{22})$/.exec(id);
  if (!match) return undefined;
  const type = TYPE_BY_PREFIX.get(match[1]!);
  return type === undefined ? undefined : { type, tenant: match[2]! };
}
