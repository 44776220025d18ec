import { zipJob, type ZipJobResult } from '../../shared/jobs/zip.job.js';
import type { JobQueues } from '../../shared/queues.js';
import type { ShareRecord, ShareStore } from '../../shared/share/share-store.js';
import { SHARE_TOKEN_PATTERN } from '../../shared/share/share-token.js';
import type { TenantRegistry } from '../../shared/tenants.js';
import { parseJobId } from '../jobs/job-id.js';

export interface ShareDeps {
  shares: ShareStore;
  queues: JobQueues;
  tenants: TenantRegistry;
}

export type ResolvedShare =
  | { status: 'unknown' }
  | { status: 'expired' | 'withdrawn' | 'exhausted' }
  | { status: 'ok'; token: string; record: ShareRecord; result: ZipJobResult; sender: string; downloads: number };

/**
 * What a share token leads to. The token names exactly one tenant's job: the record's tenant must own the job
 * id and the job's payload, or the token leads nowhere (404), the same isolation as the API's 404 for another
 * tenant's job.
 */
export async function resolveShare(deps: ShareDeps, token: string, now = Date.now()): Promise<ResolvedShare> {
  if (!SHARE_TOKEN_PATTERN.test(token)) return { status: 'unknown' };
  const record = await deps.shares.get(token);
  if (!record) return { status: 'unknown' };
  const id = parseJobId(record.jobId);
  if (id?.type !== 'zip' || id.tenant !== record.tenant) return { status: 'unknown' };
  if (record.withdrawnAt !== undefined) return { status: 'withdrawn' };
  if (Date.parse(record.expiresAt) <= now) return { status: 'expired' };
  const state = await deps.queues.zip.getJobState(record.jobId);
  const job = state === 'completed' ? await deps.queues.zip.getJob(record.jobId) : undefined;
  // The job outlives its archive (JOB_RETENTION_SECONDS >= ZIP_MAX_EXPIRES_IN): gone means removed by hand.
  if (!job) return { status: 'expired' };
  if ((job.data as { tenant?: unknown }).tenant !== record.tenant) return { status: 'unknown' };
  const result = zipJob.result.safeParse(job.returnvalue);
  if (!result.success) return { status: 'expired' };
  const downloads = await deps.shares.downloads(token);
  if (record.maxDownloads !== undefined && downloads >= record.maxDownloads) return { status: 'exhausted' };
  const sender = deps.tenants.get(record.tenant)?.displayName ?? record.tenant;
  return { status: 'ok', token, record, result: result.data, sender, downloads };
}
