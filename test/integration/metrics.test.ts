import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_B, startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  // No worker: created jobs stay waiting, so the queue depth is known.
  h = await startHarness({ workers: false });
});
afterAll(async () => {
  await h?.close();
});

/** The value of one sample (`name{labels}`), or undefined when the text has none. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Scrapes /metrics until `ready` holds for its text, or fails after a deadline. */
async function scrapeUntil(ready: (text: string) => boolean, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await h.request('GET', '/metrics', { key: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    if (ready(res.body)) return res.body as string;
    if (Date.now() > deadline) throw new Error(`metrics never matched:\n${res.body}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('GET /metrics', () => {
  it('serves Prometheus text without an API key: process metrics, queue depth, no jobs yet', async () => {
    const text = await scrapeUntil(() => true);
    expect(text).toContain('# TYPE ferry_jobs_created_total counter');
    expect(text).toContain('# TYPE ferry_queue_jobs gauge');
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    for (const queue of ['zip', 'ingest', 'webhook']) {
      for (const state of ['waiting', 'active', 'delayed', 'completed', 'failed']) {
        expect(sample(text, `ferry_queue_jobs{queue="${queue}",state="${state}"}`), `${queue} ${state}`).toBe(0);
      }
    }
  });

  it('counts the jobs the API created by type, and the queues hold them', async () => {
    const zip = { filename: 'x', urls: ['https://example.com/a.jpg'] };
    for (const key of [undefined, KEY_B]) {
      expect((await h.request('POST', '/v1/zips', { body: zip, key })).status).toBe(202);
    }
    expect((await h.request('POST', '/v1/ingests', { body: { urls: ['https://example.com/b.jpg'] } })).status).toBe(
      202,
    );
    // Refused requests are not jobs.
    expect((await h.request('POST', '/v1/zips', { body: {} })).status).toBe(400);

    const text = await scrapeUntil(
      (t) =>
        sample(t, 'ferry_jobs_created_total{type="zip"}') === 2 &&
        sample(t, 'ferry_jobs_created_total{type="ingest"}') === 1,
    );
    expect(sample(text, 'ferry_queue_jobs{queue="zip",state="waiting"}')).toBe(2);
    expect(sample(text, 'ferry_queue_jobs{queue="ingest",state="waiting"}')).toBe(1);
    expect(sample(text, 'ferry_queue_jobs{queue="webhook",state="waiting"}')).toBe(0);
  });
});

describe('fleet metrics from the workers', () => {
  it('counts finished jobs by outcome, their durations and bytes, across workers', async () => {
    const { startFileServer } = await import('../../fixtures/file-server.js');
    const { solidPng } = await import('../../local/sample-files.js');
    const files = await startFileServer();
    const png = solidPng(10, 10, [1, 2, 3]);
    files.file('/m.png', png, 'image/png');
    // The tests above left jobs waiting: drop them, so this worker runs only the two below.
    await Promise.all([h.queues.zip.drain(true), h.queues.ingest.drain(true)]);
    const worker = h.startWorker();
    try {
      const ok = await h.request('POST', '/v1/zips', { body: { filename: 'm', urls: [files.url('/m.png')] } });
      const bad = await h.request('POST', '/v1/zips', { body: { filename: 'm', urls: [files.url('/missing.png')] } });
      const done = await h.waitForJob(ok.body.id);
      await h.waitForJob(bad.body.id);
      const text = await scrapeUntil((t) => sample(t, 'ferry_jobs_finished_total{type="zip",outcome="failed"}') === 1);
      expect(sample(text, 'ferry_jobs_finished_total{type="zip",outcome="completed"}')).toBe(1);
      expect(sample(text, 'ferry_job_duration_seconds_count{type="zip"}')).toBe(2);
      expect(sample(text, 'ferry_job_duration_seconds_bucket{type="zip",le="+Inf"}')).toBe(2);
      expect(sample(text, 'ferry_bytes_downloaded_total')).toBe(png.length);
      expect(sample(text, 'ferry_bytes_uploaded_total')).toBe(done.result.size);
      expect(text).toContain('# TYPE ferry_job_duration_seconds histogram');
    } finally {
      await worker.close();
      await files.close();
    }
  });
});
