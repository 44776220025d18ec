import { MAIL_QUEUE, mailJobDataSchema } from '../../shared/jobs/mail-delivery.js';
import { deliverShareMail, type DeliverShareMailDeps } from '../mail/deliver-share-mail.js';
import { defineProcessor, type ProcessorRuntime } from '../runtime/define-processor.js';

export type MailDeps = DeliverShareMailDeps;

/**
 * The `mail` queue: one share email to one recipient per job. Retries and their spacing are BullMQ's
 * (MAIL_MAX_ATTEMPTS, exponential from MAIL_RETRY_DELAY_MS); a 5xx answer ends the job at once.
 */
export function createMailProcessor(deps: MailDeps, { logger }: ProcessorRuntime) {
  return defineProcessor(
    {
      queue: MAIL_QUEUE,
      schema: mailJobDataSchema,
      // The address is personal data: logs name the job it belongs to, not whom it went to.
      logFields: (data) => ({ jobId: data.jobId, tenant: data.tenant }),
      run: async ({ data, logger: log }) => {
        const sent = await deliverShareMail(deps, data);
        log.info({ messageId: sent.messageId }, 'share email sent');
        return sent;
      },
    },
    { logger },
  );
}
