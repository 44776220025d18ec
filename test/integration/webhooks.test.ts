import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFileServer, type FileServer, type ReceiveAnswer, type Received } from '../../fixtures/file-server.js';
import { until } from '../../fixtures/until.js';
import { createLogger } from '../../shared/logger.js';
import { createRedis } from '../../shared/redis.js';
import { verifyWebhook, WebhookVerificationError } from '../../shared/webhooks.js';
import { webhookDeliveryQueuer } from '../../worker/webhook/queue-delivery.js';
import { queueDeliveryOnStalledFailure } from '../../worker/webhook/stalled-failure.js';
import { startHarness, WEBHOOK_SECRET_A, type Harness } from '../helpers/harness.js';

type Delivery = Received;

/** How the receiver answers one delivery: a status (and headers), or never (the request hangs). */
type Answer = ReturnType<ReceiveAnswer>;

let h: Harness;
let files: FileServer;
let receiver: FileServer;
let hookCount = 0;

const WEBHOOK_ENV = { WEBHOOK_RETRY_DELAY_MS: '50', WEBHOOK_TIMEOUT_MS: '1100', WEBHOOK_MAX_ATTEMPTS: '5' };

beforeAll(async () => {
  [h, files, receiver] = await Promise.all([startHarness({ env: WEBHOOK_ENV }), startFileServer(), startFileServer()]);
  files.file('/a.txt', 'hello webhooks\n', 'text/plain');
});
afterAll(async () => {
  await Promise.all([h?.close(), files?.close(), receiver?.close()]);
});

/** A fresh receiver path answering deliveries in turn with `answers` (the last one repeats). */
function hook(server: FileServer, answers: Answer[]): { url: string; deliveries: Delivery[] } {
  const path = `/hook-${++hookCount}`;
  const deliveries = server.receive(path, (n) => answers[Math.min(n, answers.length) - 1]!);
  return { url: server.url(path), deliveries };
}

async function jobDocument(target: Harness, id: string) {
  const res = await target.request('GET', `/v1/jobs/${id}`);
  expect(res.status).toBe(200);
  return res.body;
}

/** Waits for the job document's webhook to be delivered or failed. */
function webhookSettled(target: Harness, id: string) {
  return until(
    async () => {
      const doc = await jobDocument(target, id);
      return doc.webhook?.state === 'pending' ? undefined : doc;
    },
    `webhook of ${id}`,
    20_000,
  );
}

async function createZip(target: Harness, url: string, webhookUrl: string): Promise<string> {
  const res = await target.request('POST', '/v1/zips', {
    body: { filename: 'w', urls: [url], webhook: { url: webhookUrl } },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.id;
}

/** The Standard Webhooks signature, computed here without the code under test. */
function independentSignature(secret: string, id: string, timestamp: string, body: string): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
}

function expectSigned(d: Delivery) {
  const id = d.headers['webhook-id'] as string;
  const timestamp = d.headers['webhook-timestamp'] as string;
  const signature = d.headers['webhook-signature'] as string;
  expect(() => verifyWebhook(WEBHOOK_SECRET_A, d.headers, d.body)).not.toThrow();
  expect(signature.startsWith('v1,')).toBe(true);
  const mine = Buffer.from(independentSignature(WEBHOOK_SECRET_A, id, timestamp, d.body));
  const theirs = Buffer.from(signature.slice(3));
  expect(mine.length === theirs.length && timingSafeEqual(mine, theirs)).toBe(true);
}

function verificationError(fn: () => void): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof WebhookVerificationError) return err.code;
    throw err;
  }
  return undefined;
}

describe('webhooks', () => {
  it('delivers a completed zip job, signed, with the job document and a working download URL', async () => {
    const { url, deliveries } = hook(receiver, [{ status: 204 }]);
    const id = await createZip(h, files.url('/a.txt'), url);
    const job = await h.waitForJob(id);
    expect(job.state).toBe('completed');
    const doc = await webhookSettled(h, id);
    expect(doc.webhook).toEqual({ url, state: 'delivered', attempts: 1, lastStatus: 204 });
    expect(deliveries).toHaveLength(1);

    const d = deliveries[0]!;
    expect(d.headers['content-type']).toBe('application/json');
    expect(d.headers['user-agent']).toMatch(/ferry/i);
    expect(d.headers['webhook-id']).toMatch(/^msg_/);
    expect(Math.abs(Number(d.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(30);
    expectSigned(d);

    const body = JSON.parse(d.body);
    expect(body.type).toBe('job.completed');
    expect(new Date(body.timestamp).toISOString()).toBe(body.timestamp);
    expect(body.data).toMatchObject({
      id,
      type: 'zip',
      state: 'completed',
      result: { filename: 'w.zip', key: job.result.key },
    });
    expect(body.data.webhook).toBeUndefined();
    const download = await h.download(body.data.result.downloadUrl);
    expect(download.status).toBe(200);
    expect(download.body.length).toBe(job.result.size);

    expect(verificationError(() => verifyWebhook(WEBHOOK_SECRET_A, d.headers, d.body.replace('w.zip', 'x.zip')))).toBe(
      'invalid_signature',
    );
    const stale = () => (Number(d.headers['webhook-timestamp']) + 301) * 1000;
    expect(verificationError(() => verifyWebhook(WEBHOOK_SECRET_A, d.headers, d.body, { now: stale }))).toBe(
      'timestamp_out_of_range',
    );
  });

  it('delivers job.failed for a job that failed for good', async () => {
    const { url, deliveries } = hook(receiver, [{ status: 200 }]);
    const id = await createZip(h, files.url('/missing.txt'), url);
    expect((await h.waitForJob(id)).state).toBe('failed');
    const doc = await webhookSettled(h, id);
    expect(doc.webhook).toMatchObject({ state: 'delivered', attempts: 1, lastStatus: 200 });
    expect(deliveries).toHaveLength(1);
    expectSigned(deliveries[0]!);
    const body = JSON.parse(deliveries[0]!.body);
    expect(body.type).toBe('job.failed');
    expect(body.data).toMatchObject({ id, state: 'failed', error: { code: 'not_found' } });
  });

  it('retries after a 5xx and a timeout with one webhook-id, fresh timestamps and signatures', async () => {
    // Retry-After on the 500 and a timeout over a second keep the three attempts in three different seconds.
    const { url, deliveries } = hook(receiver, [
      { status: 500, headers: { 'retry-after': '1' } },
      'stall',
      { status: 200 },
    ]);
    const res = await h.request('POST', '/v1/ingests', { body: { urls: [files.url('/a.txt')], webhook: { url } } });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const id: string = res.body.id;

    await until(() => deliveries.length >= 1, 'the first delivery', 20_000);
    const during = await jobDocument(h, id);
    expect(during.webhook).toMatchObject({ url, state: 'pending' });

    const doc = await webhookSettled(h, id);
    expect(doc.webhook).toEqual({ url, state: 'delivered', attempts: 3, lastStatus: 200 });
    expect(deliveries).toHaveLength(3);
    for (const d of deliveries) expectSigned(d);
    expect(new Set(deliveries.map((d) => d.headers['webhook-id'])).size).toBe(1);
    expect(new Set(deliveries.map((d) => d.headers['webhook-signature'])).size).toBe(3);
    const stamps = deliveries.map((d) => Number(d.headers['webhook-timestamp']));
    expect(stamps[1]).toBeGreaterThan(stamps[0]!);
    expect(stamps[2]).toBeGreaterThan(stamps[1]!);
    // The stalled attempt was cut off by WEBHOOK_TIMEOUT_MS, not left hanging.
    expect(deliveries[2]!.at - deliveries[1]!.at).toBeGreaterThanOrEqual(1050);
    expect(deliveries[2]!.at - deliveries[1]!.at).toBeLessThan(5000);
    expect(JSON.parse(deliveries[2]!.body).type).toBe('job.completed');
  });

  it('stops at once on 410 Gone', async () => {
    const { url, deliveries } = hook(receiver, [{ status: 410 }]);
    const id = await createZip(h, files.url('/a.txt'), url);
    const doc = await webhookSettled(h, id);
    expect(doc.webhook).toEqual({ url, state: 'failed', attempts: 1, lastStatus: 410 });
    // Give a wrongly scheduled retry the time to show up (several WEBHOOK_RETRY_DELAY_MS).
    await new Promise((r) => setTimeout(r, 400));
    expect(deliveries).toHaveLength(1);
  });

  it('treats a redirect as a failure and does not follow it', async () => {
    const target = hook(receiver, [{ status: 200 }]);
    const { url, deliveries } = hook(receiver, [{ status: 302, headers: { location: target.url } }]);
    const res = await h.request('POST', '/v1/ingests', { body: { urls: [files.url('/a.txt')], webhook: { url } } });
    const doc = await webhookSettled(h, res.body.id);
    expect(doc.webhook).toEqual({ url, state: 'failed', attempts: 5, lastStatus: 302 });
    expect(deliveries).toHaveLength(5);
    expect(target.deliveries).toHaveLength(0);
  });

  it('waits as long as Retry-After asks, however short the retry delay', async () => {
    const { url, deliveries } = hook(receiver, [{ status: 503, headers: { 'retry-after': '1' } }, { status: 200 }]);
    const id = await createZip(h, files.url('/a.txt'), url);
    const doc = await webhookSettled(h, id);
    expect(doc.webhook).toMatchObject({ state: 'delivered', attempts: 2 });
    expect(deliveries[1]!.at - deliveries[0]!.at).toBeGreaterThanOrEqual(950);
  });
});

describe('webhooks behind the SSRF guard', () => {
  let guarded: Harness;
  let loopback: FileServer;

  beforeAll(async () => {
    // The API accepts the http URL; the worker, with private networks refused, must not connect to it.
    [guarded, loopback] = await Promise.all([startHarness({ env: WEBHOOK_ENV, workers: false }), startFileServer()]);
    guarded.startWorker({ ALLOW_PRIVATE_NETWORKS: 'false' });
  });
  afterAll(async () => {
    await Promise.all([guarded?.close(), loopback?.close()]);
  });

  it('refuses to deliver to a loopback address: no connection, the webhook ends failed', async () => {
    const { url, deliveries } = hook(loopback, [{ status: 200 }]);
    const id = await createZip(guarded, files.url('/a.txt'), url);
    const doc = await webhookSettled(guarded, id);
    expect(doc.webhook).toMatchObject({ url, state: 'failed' });
    expect(doc.webhook.lastStatus).toBeUndefined();
    expect(deliveries).toHaveLength(0);
    expect(loopback.connections()).toBe(0);
  });
});

describe('webhooks of jobs that end without the processor finishing them', () => {
  let quiet: Harness;
  const held: ServerResponse[] = [];

  beforeAll(async () => {
    // No worker at first: each test starts the worker it needs once its job is where it wants it.
    quiet = await startHarness({ env: WEBHOOK_ENV, workers: false });
  });
  afterAll(async () => {
    for (const res of held) res.destroy();
    await quiet?.close();
  });

  it('delivers job.failed for a job BullMQ fails for stalling too often', async () => {
    const { url, deliveries } = hook(receiver, [{ status: 200 }]);
    const id = await createZip(quiet, files.url('/a.txt'), url);
    // A worker that takes the job and dies: its lock runs out, and with maxStalledCount 0 the first stall is
    // one too many, so the next worker to pick the job up fails it without running the processor.
    const connection = createRedis(quiet.config.REDIS_URL, 'test-stalling');
    const dying = new Worker('zip', null, {
      connection,
      prefix: quiet.config.QUEUE_PREFIX,
      lockDuration: 200,
      stalledInterval: 100,
      maxStalledCount: 0,
      autorun: false,
    });
    expect((await dying.getNextJob('dying-token'))?.id).toBe(id);
    await dying.startStalledCheckTimer();
    await until(async () => (await quiet.queues.zip.getJob(id))?.deferredFailure, 'the stall to be counted', 20_000);
    await dying.close();
    await connection.quit();

    const running = quiet.startWorker();
    const zipWorker = running.workers.find((w) => w.name === 'zip')!;
    queueDeliveryOnStalledFailure(zipWorker, webhookDeliveryQueuer(quiet.queues.webhook), createLogger('silent'));
    try {
      const doc = await webhookSettled(quiet, id);
      expect(doc).toMatchObject({
        state: 'failed',
        error: { code: 'worker_lost' },
        webhook: { url, state: 'delivered', attempts: 1 },
      });
      expect(deliveries).toHaveLength(1);
      expectSigned(deliveries[0]!);
      const body = JSON.parse(deliveries[0]!.body);
      expect(body).toMatchObject({ type: 'job.failed', data: { id, state: 'failed' } });
    } finally {
      await running.close();
    }
  });

  it('delivers job.cancelled for a job cancelled while queued, once a worker picks it up', async () => {
    const { url, deliveries } = hook(receiver, [{ status: 204 }]);
    files.file('/queued.txt', 'never fetched\n', 'text/plain');
    const id = await createZip(quiet, files.url('/queued.txt'), url);
    expect((await quiet.request('DELETE', `/v1/jobs/${id}`)).status).toBe(202);
    const running = quiet.startWorker();
    try {
      const doc = await webhookSettled(quiet, id);
      expect(doc).toMatchObject({ state: 'cancelled', webhook: { url, state: 'delivered', lastStatus: 204 } });
      expect(deliveries).toHaveLength(1);
      expectSigned(deliveries[0]!);
      const body = JSON.parse(deliveries[0]!.body);
      expect(body).toMatchObject({
        type: 'job.cancelled',
        data: { id, state: 'cancelled', error: { code: 'cancelled' } },
      });
      expect(files.hits('/queued.txt')).toBe(0);
    } finally {
      await running.close();
    }
  });

  it('delivers one signed job.cancelled for a zip cancelled while it runs', async () => {
    files.route('/held.png', (_req, res) => {
      // Sends a little, then holds the rest: the job stays mid-download until it is cancelled.
      res.writeHead(200, { 'content-type': 'image/png' });
      res.write(Buffer.from('89504e470d0a1a0a', 'hex'));
      held.push(res);
    });
    const { url, deliveries } = hook(receiver, [{ status: 200 }]);
    const running = quiet.startWorker({ FETCH_IDLE_TIMEOUT_MS: '60000' });
    try {
      const id = await createZip(quiet, files.url('/held.png'), url);
      await until(
        async () => (await jobDocument(quiet, id)).state === 'active' && files.hits('/held.png') > 0,
        'the job to be mid-download',
        20_000,
      );
      expect((await quiet.request('DELETE', `/v1/jobs/${id}`)).status).toBe(202);
      const doc = await webhookSettled(quiet, id);
      expect(doc).toMatchObject({
        state: 'cancelled',
        error: { code: 'cancelled' },
        webhook: { url, state: 'delivered', attempts: 1, lastStatus: 200 },
      });
      expect(deliveries).toHaveLength(1);
      expectSigned(deliveries[0]!);
      const body = JSON.parse(deliveries[0]!.body);
      expect(body).toMatchObject({ type: 'job.cancelled', data: { id, state: 'cancelled' } });
      expect(deliveries[0]!.headers['webhook-id']).toBe(`msg_${id}`);
    } finally {
      await running.close();
    }
  });
});
