import { createTransport, type Transporter } from 'nodemailer';
import type { Config } from '../../shared/config.js';

/**
 * The SMTP transport share emails go out on, from SMTP_URL (`smtp://` upgrades with STARTTLS when the server
 * offers it, `smtps://` is TLS from the start); undefined when SMTP_URL is not set.
 */
export function createMailTransport(config: Config): Transporter | undefined {
  if (config.SMTP_URL === undefined) return undefined;
  return createTransport({
    url: config.SMTP_URL,
    connectionTimeout: config.MAIL_TIMEOUT_MS,
    greetingTimeout: config.MAIL_TIMEOUT_MS,
    socketTimeout: config.MAIL_TIMEOUT_MS,
  });
}
