import type { Config } from '../../shared/config.js';
import { ValidationError } from '../../shared/errors/app-error.js';
import type { Tenant } from '../../shared/tenants.js';

/**
 * The tenant's per-job file limit, checked on the body as received and before the schema: an array over the
 * limit costs one length read, not a check of each of its items.
 */
export function checkFileCount(tenant: Tenant, files: { field: string; count: number }): void {
  if (files.count > tenant.limits.maxFilesPerJob) {
    throw new ValidationError(`At most ${tenant.limits.maxFilesPerJob} files per job`, [
      { field: files.field, message: `must have at most ${tenant.limits.maxFilesPerJob} items` },
    ]);
  }
}

/** Rules on a request's webhook that every job-creating route applies after schema validation. */
export function checkWebhook(config: Config, tenant: Tenant, webhook: { url: string } | undefined): void {
  if (webhook === undefined) return;
  // Plain http is for local receivers only: a delivery carries the job document (and a download link).
  if (new URL(webhook.url).protocol !== 'https:' && !config.ALLOW_PRIVATE_NETWORKS) {
    throw new ValidationError('Invalid request: webhook.url', [{ field: 'webhook.url', message: 'must use https' }]);
  }
  if (tenant.webhookSecret === undefined) {
    throw new ValidationError(
      'This tenant has no webhookSecret to sign deliveries with: ask the operator to set one',
      [{ field: 'webhook', message: 'needs a webhookSecret on the tenant' }],
      'webhook_not_configured',
    );
  }
}
