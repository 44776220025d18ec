import type { SendMailOptions, SentMessageInfo, Transporter } from 'nodemailer';
import type { Config } from '../../shared/config.js';
import { lazy } from '../../shared/lazy.js';

/** What share emails need of a nodemailer transport. */
export interface MailTransport {
  sendMail(mail: SendMailOptions): Promise<SentMessageInfo>;
  close(): void;
}

/** About 2 MB of a worker's RSS: loaded with the first email, not by workers that never send one. */
const nodemailer = lazy(() => import('nodemailer'));

/**
 * The SMTP transport share emails go out on, from SMTP_URL (`smtp://` upgrades with STARTTLS when the server
 * offers it, `smtps://` is TLS from the start); undefined when SMTP_URL is not set. nodemailer is loaded and the
 * transport created when the first email is sent (creating one does not connect anyway).
 */
export function createMailTransport(config: Config): MailTransport | undefined {
  const url = config.SMTP_URL;
  if (url === undefined) return undefined;
  let created: Transporter | undefined;
  const transport = lazy(
    async () =>
      (created = (await nodemailer()).createTransport({
        url,
        connectionTimeout: config.MAIL_TIMEOUT_MS,
        greetingTimeout: config.MAIL_TIMEOUT_MS,
        socketTimeout: config.MAIL_TIMEOUT_MS,
      })),
  );
  return {
    sendMail: async (mail) => (await transport()).sendMail(mail),
    close: () => created?.close(),
  };
}
