import { MAIL_QUEUE, mailDeliveryId, type MailJobData } from '../../shared/jobs/mail-delivery.js';
import type { MailQueue } from '../../shared/queues.js';
import type { FinalStateListener } from '../runtime/final-state.js';

/**
 * Queues one email per `notify.email` address once a zip job has completed. Each email's job id comes from the
 * zip job's and the address, so a zip job run twice (a stalled job picked up again) mails nobody twice.
 */
export function shareMailQueuer(mail: MailQueue): FinalStateListener {
  return async (job, event) => {
    if (event !== 'job.completed' || job.queueName !== 'zip') return;
    const source = job.data as { tenant?: unknown; notify?: { email?: unknown } } | undefined;
    const emails = source?.notify?.email;
    if (!Array.isArray(emails) || typeof source?.tenant !== 'string') return;
    const tenant = source.tenant;
    await mail.addBulk(
      emails
        .filter((to): to is string => typeof to === 'string')
        .map((to) => ({
          name: MAIL_QUEUE,
          data: { jobId: job.id!, tenant, to } satisfies MailJobData,
          opts: { jobId: mailDeliveryId(job.id!, to) },
        })),
    );
  };
}
