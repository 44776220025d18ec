import type { ZipJobData, ZipJobResult } from '../../shared/jobs/zip.job.js';
import type { ShareStore } from '../../shared/share/share-store.js';
import { failJob } from '../runtime/job-errors.js';

export interface ShareArchiveDeps {
  shares: ShareStore;
  /** PUBLIC_URL: where people reach the share page. */
  publicUrl?: string;
  /** How long an expired share is remembered (so its page says 410 rather than 404): the jobs' retention. */
  keepAfterExpirySeconds: number;
}

/**
 * The share link of a finished archive, made once per job (a job run again gets the same link back). Undefined
 * for a job created without `share` or `notify`.
 */
export async function shareArchive(
  deps: ShareArchiveDeps,
  jobId: string,
  data: ZipJobData,
  result: ZipJobResult,
): Promise<string | undefined> {
  if (!data.share) return undefined;
  if (deps.publicUrl === undefined) throw failJob('share_not_configured', 'PUBLIC_URL is not set on this worker');
  const token = await deps.shares.create({
    tenant: data.tenant,
    jobId,
    passwordHash: data.share.passwordHash,
    maxDownloads: data.share.maxDownloads,
    expiresAt: result.expiresAt,
    ttlSeconds: (Date.parse(result.expiresAt) - Date.now()) / 1000 + deps.keepAfterExpirySeconds,
  });
  return `${deps.publicUrl}/s/${token}`;
}
