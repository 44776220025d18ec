import { ValidationError } from '../../shared/errors.js';
import type { Tenant } from '../../shared/tenants.js';

/** Rules every job-creating route applies after schema validation. */
export function checkJobRequest(tenant: Tenant, field: string, count: number, webhook: unknown): void {
  if (count > tenant.limits.maxFilesPerJob) {
    throw new ValidationError(`At most ${tenant.limits.maxFilesPerJob} files per job`, [
      { field, message: `must have at most ${tenant.limits.maxFilesPerJob} items` },
    ]);
  }
  if (webhook !== undefined) {
    throw new ValidationError(
      'Webhook delivery is not built yet: poll GET /v1/jobs/:id',
      [{ field: 'webhook', message: 'is not supported yet' }],
      'not_supported',
    );
  }
}

/** The part of a tenant's limits a worker enforces, copied into the job so it cannot change under it. */
export function workerLimits(tenant: Tenant) {
  const { maxFileBytes, maxJobBytes, allowedTypes } = tenant.limits;
  return { maxFileBytes, maxJobBytes, allowedTypes };
}
