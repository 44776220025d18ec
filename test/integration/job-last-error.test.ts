import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { until } from '../../fixtures/until.js';
import { startHarness, type Harness } from '../helpers/harness.js';

// A backoff far longer than the test: the job sits in `delayed` until the test promotes it, so GET is read while
// it waits for its next attempt, never racing the retry.
const BACKOFF_MS = 10 * 60_000;

let h: Harness;
let files: FileServer;

beforeAll(async () => {
  [h, files] = await Promise.all([
    startHarness({ env: { JOB_ATTEMPTS: '3', JOB_BACKOFF_MS: String(BACKOFF_MS), FETCH_RETRIES: '0' } }),
    startFileServer(),
  ]);
});
afterAll(async () => {
  await Promise.all([h?.close(), files?.close()]);
});

it('a zip waiting to retry shows why its last attempt failed, and drops it once it completes', async () => {
  let answered = 0;
  files.route('/flaky.txt', (_req, res) => {
    answered++;
    if (answered <= 2) {
      res.statusCode = 503;
      res.end('busy');
      return;
    }
    res.setHeader('Content-Type', 'text/plain');
    res.end('finally');
  });
  const created = await h.request('POST', '/v1/zips', {
    body: { filename: 'flaky', files: [{ url: files.url('/flaky.txt') }] },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(202);
  const id = created.body.id as string;

  for (const attempt of [1, 2]) {
    const bullJob = await until(async () => {
      const job = await h.queues.zip.getJob(id);
      return job && (await job.getState()) === 'delayed' && job.attemptsMade === attempt ? job : undefined;
    }, `attempt ${attempt} to fail and wait for its retry`);
    const doc = await h.request('GET', `/v1/jobs/${id}`);
    expect(doc.status).toBe(200);
    expect(doc.body.state).toBe('queued');
    expect(doc.body.error).toBeUndefined();
    expect(doc.body.lastError?.code).toBe('http_error');
    expect(doc.body.lastError?.message).toContain('503');
    await bullJob!.promote();
  }

  const done = await h.waitForJob(id);
  expect(done.state).toBe('completed');
  expect(done.attempts).toBe(3);
  expect(done.lastError).toBeUndefined();
  expect(answered).toBe(3);
});
