import type { Tenant } from '../tenants.js';
import type { JobLimits } from './common.js';

/** The part of a tenant's limits a worker enforces, copied into the job so it cannot change under it. */
export function workerLimits(tenant: Tenant): JobLimits {
  const { maxFileBytes, maxJobBytes, allowedTypes } = tenant.limits;
  return { maxFileBytes, maxJobBytes, allowedTypes };
}
