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
    expect((await h.request('POST', '/v1/ingests', { body: { urls: ['https://example.com/b.jpg'] } })).status).toBe(202);
    // Refused requests are not jobs.
    expect((await h.request('POST', '/v1/zips', { body: {} })).status).toBe(400);

    const text = await scrapeUntil(
      (t) => sample(t, 'ferry_jobs_created_total{type="zip"}') === 2 && sample(t, 'ferry_jobs_created_total{type="ingest"}') === 1,
    );
    expect(sample(text, 'ferry_queue_jobs{queue="zip",state="waiting"}')).toBe(2);
    expect(sample(text, 'ferry_queue_jobs{queue="ingest",state="waiting"}')).toBe(1);
    expect(sample(text, 'ferry_queue_jobs{queue="webhook",state="waiting"}')).toBe(0);
  });
});
