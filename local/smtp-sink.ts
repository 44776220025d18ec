import { EventEmitter, once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

/** One message as the sink received it, parsed. */
export interface ReceivedMail {
  id: number;
  receivedAt: string;
  /** The SMTP envelope: MAIL FROM and every accepted RCPT TO. */
  envelope: { from: string; to: string[] };
  messageId?: string;
  subject: string;
  from: string;
  to: string;
  text: string;
  html?: string;
}

/** An SMTP answer to give instead of accepting a recipient (tests: 550 refused, 451 try later). */
export interface SmtpReply {
  code: number;
  message: string;
}

export interface SmtpSinkOptions {
  host?: string;
  port?: number;
  /** Asked for every RCPT TO: a reply refuses the recipient with it; undefined accepts it. */
  onRecipient?: (address: string) => SmtpReply | undefined;
}

/** A real SMTP server that keeps what it receives in memory: dev mode's outbox, and the tests' inbox. */
export class SmtpSink extends EventEmitter<{ mail: [ReceivedMail] }> {
  readonly messages: ReceivedMail[] = [];
  private nextId = 1;
  private readonly server: SMTPServer;
  private constructor(
    private readonly host: string,
    onRecipient: SmtpSinkOptions['onRecipient'],
  ) {
    super();
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      banner: 'ferry SMTP sink',
      size: 25 * 1024 * 1024,
      // Open connections do not hold a close up for the default 30 s.
      closeTimeout: 1000,
      onRcptTo: (address: SMTPServerAddress, _session, callback) => {
        const reply = onRecipient?.(address.address);
        if (!reply) return callback();
        callback(Object.assign(new Error(reply.message), { responseCode: reply.code }));
      },
      onData: (stream, session, callback) => {
        simpleParser(stream).then(
          (parsed) => {
            const mail: ReceivedMail = {
              id: this.nextId++,
              receivedAt: new Date().toISOString(),
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((r) => r.address),
              },
              messageId: parsed.messageId,
              subject: parsed.subject ?? '',
              from: parsed.from?.text ?? '',
              to: [parsed.to ?? []]
                .flat()
                .map((a) => a.text)
                .join(', '),
              text: parsed.text ?? '',
              html: parsed.html === false ? undefined : parsed.html,
            };
            this.messages.push(mail);
            callback();
            this.emit('mail', mail);
          },
          (err: Error) => callback(err),
        );
      },
    });
    this.server.on('error', () => undefined);
  }

  static async start({ host = '127.0.0.1', port = 0, onRecipient }: SmtpSinkOptions = {}): Promise<SmtpSink> {
    const sink = new SmtpSink(host, onRecipient);
    sink.server.listen(port, host);
    await once(sink.server.server, 'listening');
    return sink;
  }

  get port(): number {
    return (this.server.server.address() as AddressInfo).port;
  }

  /** The SMTP_URL that points ferry here. */
  get url(): string {
    return `smtp://${this.host}:${this.port}`;
  }

  /** Messages whose envelope has `to` (compared without case: senders lower-case the domain). */
  to(address: string): ReceivedMail[] {
    const wanted = address.toLowerCase();
    return this.messages.filter((m) => m.envelope.to.some((a) => a.toLowerCase() === wanted));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
