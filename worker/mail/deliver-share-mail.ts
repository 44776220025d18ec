import { mailDeliveryId, type MailJobData, type MailJobResult } from '../../shared/jobs/mail-delivery.js';
import { zipJob } from '../../shared/jobs/zip.job.js';
import type { JobQueues } from '../../shared/queues.js';
import type { ShareStore } from '../../shared/share/share-store.js';
import type { TenantRegistry } from '../../shared/tenants.js';
import { failJob, RetryJobError } from '../runtime/job-errors.js';
import type { MailTransport } from './mail-transport.js';
import { sendMail } from './send-mail.js';
import { composeShareMail } from './share-mail.js';

export interface DeliverShareMailDeps {
  /** Undefined when SMTP_URL is not set: every email then fails for good (`mail_not_configured`). */
  transport?: MailTransport;
  /** MAIL_FROM. */
  from: string;
  tenants: TenantRegistry;
  /** The job kinds' queues, to read the zip job an email is about. */
  sources: JobQueues;
  /** To send nothing about an archive that was withdrawn in the meantime. */
  shares: ShareStore;
}

/** How long to wait for the zip job's own move to completed, which lands just after the emails are queued. */
const SETTLE_TIMEOUT_MS = 10_000;

async function completedZip(sources: JobQueues, jobId: string) {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const state = await sources.zip.getJobState(jobId);
    if (state === 'unknown') throw failJob('job_gone', `Job ${jobId} no longer exists`);
    if (state === 'completed') break;
    if (Date.now() > deadline) throw new RetryJobError('job_not_finished', `Job ${jobId} is still ${state}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const job = await sources.zip.getJob(jobId);
  if (!job) throw failJob('job_gone', `Job ${jobId} no longer exists`);
  return job;
}

/** Emails one recipient the share link of a finished zip, composed from the job as it is now. */
export async function deliverShareMail(deps: DeliverShareMailDeps, data: MailJobData): Promise<MailJobResult> {
  if (!deps.transport) throw failJob('mail_not_configured', 'SMTP_URL is not set on this worker');
  const job = await completedZip(deps.sources, data.jobId);
  const source = zipJob.data.safeParse(job.data);
  const result = zipJob.result.safeParse(job.returnvalue);
  if (!source.success || !result.success || source.data.tenant !== data.tenant) {
    throw failJob('invalid_job', `Job ${data.jobId} is not a finished zip of tenant ${data.tenant}`);
  }
  const { shareUrl } = result.data;
  if (shareUrl === undefined) throw failJob('invalid_job', `Job ${data.jobId} has no share link`);
  if ((await deps.shares.withdrawnAt(data.jobId)) !== undefined) {
    throw failJob('archive_withdrawn', `The archive of ${data.jobId} was withdrawn`);
  }
  const tenant = deps.tenants.get(data.tenant);
  const sender = tenant?.displayName ?? data.tenant;
  const mail = composeShareMail({
    sender,
    filename: result.data.filename,
    fileCount: result.data.entries.length,
    size: result.data.size,
    expiresAt: result.data.expiresAt,
    shareUrl,
    message: source.data.notify?.message,
    hasPassword: source.data.share?.passwordHash !== undefined,
  });
  const messageId = `<${mailDeliveryId(data.jobId, data.to)}@ferry>`;
  const { response } = await sendMail(deps.transport, {
    ...mail,
    from: { name: sender, address: deps.from },
    to: data.to,
    messageId,
  });
  return { messageId, response };
}
