import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { freePort } from '../../fixtures/free-port.js';
import { until } from '../../fixtures/until.js';
import { SmtpSink, type ReceivedMail } from '../../local/smtp-sink.js';
import { mailDeliveryId } from '../../shared/jobs/mail-delivery.js';
import { DISPLAY_NAME_A, startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
let files: FileServer;
let sink: SmtpSink;
/** RCPT TO commands per address so far (the sink answers 451 to the first two for `later@`). */
const refusals = new Map<string, number>();

beforeAll(async () => {
  sink = await SmtpSink.start({
    onRecipient(address) {
      if (address.startsWith('refused@')) return { code: 550, message: '5.1.1 No such user here' };
      if (address.startsWith('held@')) return { code: 452, message: '4.2.2 Mailbox full' };
      if (address.startsWith('later@')) {
        const n = (refusals.get(address) ?? 0) + 1;
        refusals.set(address, n);
        if (n <= 2) return { code: 451, message: '4.7.1 Greylisted, try again later' };
      }
      return undefined;
    },
  });
  [h, files] = await Promise.all([
    startHarness({ env: { SMTP_URL: sink.url, MAIL_FROM: 'share@ferry.test', MAIL_RETRY_DELAY_MS: '50' } }),
    startFileServer(),
  ]);
  files.file('/m/a.txt', 'alpha\n'.repeat(1000), 'text/plain');
  files.file('/m/b.json', '{"b":1}\n', 'application/json');
});
afterAll(async () => {
  await Promise.all([h?.close(), files?.close()]);
  await sink?.close();
});

async function zipWith(notify: unknown, share?: unknown) {
  const created = await h.request('POST', '/v1/zips', {
    body: { filename: 'holiday photos', urls: [files.url('/m/a.txt'), files.url('/m/b.json')], notify, share },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(202);
  const job = await h.waitForJob(created.body.id);
  expect(job.state, JSON.stringify(job.error)).toBe('completed');
  return job;
}

async function mailsTo(address: string): Promise<ReceivedMail[]> {
  await until(() => sink.to(address).length > 0, `mail to ${address}`);
  return sink.to(address);
}

describe('share emails', () => {
  it('sends one email per recipient, text and HTML, with sender, files, size, expiry, link and the message', async () => {
    const message = 'Here they are <b>all</b> & more\nsee you';
    const job = await zipWith({ email: ['ann@example.com', 'Bob@Example.com', 'ann@EXAMPLE.com'], message });
    expect(job.result.shareUrl).toMatch(new RegExp(`^${h.baseUrl}/s/[A-Za-z0-9_-]{32}$`));
    const [ann] = await mailsTo('ann@example.com');
    const [bob] = await mailsTo('Bob@Example.com');
    for (const mail of [ann!, bob!]) {
      // One envelope per recipient: nobody sees the other addresses.
      expect(mail.envelope.to).toHaveLength(1);
      expect(mail.envelope.from).toBe('share@ferry.test');
      expect(mail.from).toContain(DISPLAY_NAME_A);
      expect(mail.from).toContain('share@ferry.test');
      expect(mail.subject).toBe(`${DISPLAY_NAME_A} sent you holiday photos.zip`);
      expect(mail.messageId).toMatch(/^<mail_zip_tenant-a_.+@ferry>$/);
      expect(mail.text).toContain(job.result.shareUrl);
      expect(mail.text).toContain('2 files');
      expect(mail.text).toContain('Available until');
      expect(mail.text).toContain(message);
      expect(mail.html).toContain(`href="${job.result.shareUrl}"`);
      expect(mail.html).toContain('2 files');
      expect(mail.html).toContain('Studio Ämma &amp; &lt;Co&gt;');
      // The message is text, escaped in the HTML body.
      expect(mail.html).toContain('Here they are &lt;b&gt;all&lt;/b&gt; &amp; more');
      expect(mail.html).not.toContain('<b>all</b>');
    }
    // ann@example.com and ann@EXAMPLE.com are one address: one email.
    expect(sink.messages.filter((m) => m.envelope.to[0]!.toLowerCase() === 'ann@example.com')).toHaveLength(1);
    const doc = await until(async () => {
      const res = await h.request('GET', `/v1/jobs/${job.id}`);
      return res.body.notify?.state === 'sent' && res.body;
    }, 'notify sent');
    expect(doc.notify).toEqual({ state: 'sent', sent: ['ann@example.com', 'Bob@Example.com'], failed: [] });
  });

  it('mails nobody twice when the zip job runs again', async () => {
    const job = await zipWith({ email: ['once@example.com'] });
    await mailsTo('once@example.com');
    const bull = (await h.queues.zip.getJob(job.id))!;
    const firstFinish = bull.finishedOn;
    await bull.retry('completed');
    await until(async () => {
      const again = await h.queues.zip.getJob(job.id);
      return (await h.queues.zip.getJobState(job.id)) === 'completed' && again?.finishedOn !== firstFinish;
    }, 'the zip job to complete again');
    const rerun = await h.request('GET', `/v1/jobs/${job.id}`);
    // The same link after the second run, and the email job the first run queued is the only one.
    expect(rerun.body.result.shareUrl).toBe(job.result.shareUrl);
    const counts = await h.queues.mail.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    expect([counts.waiting, counts.active, counts.delayed]).toEqual([0, 0, 0]);
    expect(sink.to('once@example.com')).toHaveLength(1);
  });

  it('gives up on a 5xx answer at once and retries a 4xx answer until it is accepted', async () => {
    const job = await zipWith({ email: ['refused@example.com', 'later@example.com'] });
    const doc = await until(async () => {
      const res = await h.request('GET', `/v1/jobs/${job.id}`);
      return res.body.notify?.state !== 'pending' && res.body;
    }, 'notify to settle');
    expect(doc.notify).toEqual({ state: 'failed', sent: ['later@example.com'], failed: ['refused@example.com'] });
    const refused = (await h.queues.mail.getJob(mailDeliveryId(job.id, 'refused@example.com')))!;
    expect(refused.attemptsMade).toBe(1);
    expect(refused.failedReason).toMatch(/^mail_rejected: 550 5\.1\.1 No such user here/);
    const later = (await h.queues.mail.getJob(mailDeliveryId(job.id, 'later@example.com')))!;
    expect(later.attemptsStarted).toBe(3);
    // Refused twice (451), accepted the third time.
    expect(refusals.get('later@example.com')).toBe(3);
    expect(sink.to('later@example.com')).toHaveLength(1);
    expect(sink.to('refused@example.com')).toHaveLength(0);
  });

  it('sends nothing about an archive withdrawn while its email was being retried', async () => {
    const job = await zipWith({ email: ['held@example.com'] });
    const id = mailDeliveryId(job.id, 'held@example.com');
    await until(async () => ((await h.queues.mail.getJob(id))?.attemptsMade ?? 0) >= 1, 'a deferred attempt');
    expect((await h.request('DELETE', `/v1/jobs/${job.id}/archive`)).status).toBe(204);
    await until(async () => (await h.queues.mail.getJobState(id)) === 'failed', 'the email to be given up');
    expect((await h.queues.mail.getJob(id))!.failedReason).toMatch(/^archive_withdrawn: /);
    const doc = await h.request('GET', `/v1/jobs/${job.id}`);
    expect(doc.body.notify).toEqual({ state: 'failed', sent: [], failed: ['held@example.com'] });
    expect(sink.to('held@example.com')).toHaveLength(0);
  });

  it('retries while the SMTP server cannot be reached, and sends once it can', async () => {
    const port = await freePort();
    const down = await startHarness({
      env: { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_RETRY_DELAY_MS: '100', MAIL_MAX_ATTEMPTS: '10' },
    });
    let late: SmtpSink | undefined;
    try {
      const created = await down.request('POST', '/v1/zips', {
        body: { filename: 'late', urls: [files.url('/m/a.txt')], notify: { email: ['late@example.com'] } },
      });
      expect(created.status).toBe(202);
      const id = mailDeliveryId(created.body.id, 'late@example.com');
      await until(async () => ((await down.queues.mail.getJob(id))?.attemptsMade ?? 0) >= 1, 'a first failed attempt');
      const refused = (await down.queues.mail.getJob(id))!;
      expect((refused.stacktrace ?? []).join('\n') + String(refused.failedReason)).toMatch(/mail_unreachable/);
      late = await SmtpSink.start({ port });
      await until(() => late!.to('late@example.com').length === 1, 'the email once the server is up');
      const doc = await until(async () => {
        const res = await down.request('GET', `/v1/jobs/${created.body.id}`);
        return res.body.notify?.state === 'sent' && res.body;
      }, 'notify sent');
      expect(doc.notify.sent).toEqual(['late@example.com']);
    } finally {
      await down.close();
      await late?.close();
    }
  });

  it('refuses bad notify and share fields with details naming them', async () => {
    const res = await h.request('POST', '/v1/zips', {
      body: {
        filename: 'x',
        urls: [files.url('/m/a.txt')],
        notify: { email: Array.from({ length: 11 }, (_, i) => `p${i}@example.com`) },
        share: { password: 'short', maxDownloads: 0 },
      },
    });
    expect(res.status).toBe(400);
    const fields = (res.body.error.details as { field: string }[]).map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['notify.email', 'share.password', 'share.maxDownloads']));
    const bad = await h.request('POST', '/v1/zips', {
      body: { filename: 'x', urls: [files.url('/m/a.txt')], notify: { email: ['ann@example.com', 'not-an-address'] } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ field: 'notify.email[1]' })]);
  });
});
