import { failJob, RetryJobError } from '../runtime/job-errors.js';
import type { MailTransport } from './mail-transport.js';
import type { ShareMail } from './share-mail.js';

export interface OutgoingMail extends ShareMail {
  from: { name: string; address: string };
  to: string;
  /** Deterministic, so a receiving system can tell a repeat of the same email. */
  messageId: string;
}

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
}

/**
 * Sends one email. The SMTP server's verdict decides what happens next: a 5xx answer is permanent (the job ends,
 * nothing retries it), a 4xx answer or a connection that failed is retried with backoff.
 */
export async function sendMail(transport: MailTransport, mail: OutgoingMail): Promise<{ response: string }> {
  try {
    const info = (await transport.sendMail({
      from: mail.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: mail.messageId,
    })) as { response?: string };
    return { response: info.response ?? '' };
  } catch (err) {
    const e = err as SmtpError;
    const answer = e.response ?? e.message;
    if (e.responseCode !== undefined && e.responseCode >= 500) throw failJob('mail_rejected', answer);
    if (e.responseCode !== undefined && e.responseCode >= 400) {
      throw new RetryJobError('mail_deferred', answer, { cause: err });
    }
    throw new RetryJobError('mail_unreachable', `${e.code ?? 'error'}: ${e.message}`, { cause: err });
  }
}
