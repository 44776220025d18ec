import type { Job } from 'bullmq';
import type { NotifyView } from '../../shared/jobs/job-document.js';
import { mailDeliveryId } from '../../shared/jobs/mail-delivery.js';
import type { MailQueue } from '../../shared/queues.js';

/**
 * The job document's `notify` field, read from the email jobs in the `mail` queue; undefined for a job created
 * without `notify`. An email not queued yet (the zip is still running) or still retrying counts as pending.
 */
export async function notifyStatus(mail: MailQueue, job: Job): Promise<NotifyView | undefined> {
  const emails: unknown = (job.data as { notify?: { email?: unknown } } | undefined)?.notify?.email;
  if (!Array.isArray(emails)) return undefined;
  const addresses = emails.filter((e): e is string => typeof e === 'string');
  const states = await Promise.all(addresses.map((to) => mail.getJobState(mailDeliveryId(job.id!, to))));
  const sent = addresses.filter((_, i) => states[i] === 'completed');
  const failed = addresses.filter((_, i) => states[i] === 'failed');
  const done = sent.length + failed.length === addresses.length;
  return { state: !done ? 'pending' : failed.length > 0 ? 'failed' : 'sent', sent, failed };
}
