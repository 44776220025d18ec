import { createHash } from 'node:crypto';
import { z } from 'zod';

/** The queue that carries share emails: one job per (zip job, recipient). */
export const MAIL_QUEUE = 'mail';

/** What the `mail` queue carries; the message is composed at send time from the finished zip job. */
export const mailJobDataSchema = z.object({
  /** The zip job whose share link is sent. */
  jobId: z.string(),
  tenant: z.string(),
  to: z.string(),
});
export type MailJobData = z.infer<typeof mailJobDataSchema>;

/** What a sent email's job returns. */
export interface MailJobResult {
  messageId: string;
  /** The SMTP server's last answer (`250 OK: queued as …`). */
  response: string;
}

/**
 * The delivery's job id: deterministic per job and recipient, so a zip job run twice (a stalled job picked up
 * again) still mails each address once. The address is hashed: it may hold characters a job id must not.
 */
export function mailDeliveryId(jobId: string, to: string): string {
  const hash = createHash('sha256').update(to.toLowerCase()).digest('hex').slice(0, 20);
  return `mail_${jobId}_${hash}`;
}
