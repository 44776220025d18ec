import type { Config } from '../../shared/config.js';
import { ValidationError } from '../../shared/errors/app-error.js';
import type { Tenant } from '../../shared/tenants.js';

/** Rules every job-creating route applies after schema validation. */
export function checkJobRequest(
  config: Config,
  tenant: Tenant,
  files: { field: string; count: number },
  webhook: { url: string } | undefined,
): void {
  if (files.count > tenant.limits.maxFilesPerJob) {
    throw new ValidationError(`At most ${tenant.limits.maxFilesPerJob} files per job`, [
      { field: files.field, message: `must have at most ${tenant.limits.maxFilesPerJob} items` },
    ]);
  }
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
