import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_B, startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  // No worker: jobs stay queued, so the queue's counts are exactly the jobs created.
  h = await startHarness({ workers: false });
});
afterAll(async () => {
  await h?.close();
});

const body = { filename: 'idem', urls: ['https://example.com/a.png', 'https://example.com/b.png'] };
const post = (key: string, b: unknown = body, apiKey?: string) =>
  h.request('POST', '/v1/zips', { body: b, key: apiKey, headers: { 'idempotency-key': key } });
const jobCount = async () => Object.values(await h.queues.zip.getJobCounts()).reduce((a, b) => a + b, 0);

describe('Idempotency-Key', () => {
  it('20 concurrent POSTs with one key and one body create one job; one 202, the rest 200 with its id', async () => {
    const before = await jobCount();
    const answers = await Promise.all(Array.from({ length: 20 }, () => post('concurrent-key')));
    const ids = new Set(answers.map((a) => a.body.id));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(19);
    expect(await jobCount()).toBe(before + 1);
    const job = await h.request('GET', `/v1/jobs/${[...ids][0]}`);
    expect(job.status).toBe(200);
  });

  it('treats the same body with keys in another order as the same body', async () => {
    const first = await post('order-key', {
      filename: 'x',
      urls: ['https://example.com/1.png'],
      options: { onError: 'skip', compression: 'store' },
    });
    const again = await post('order-key', {
      options: { compression: 'store', onError: 'skip' },
      urls: ['https://example.com/1.png'],
      filename: 'x',
    });
    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
  });

  it('answers 422 for the same key with another body, and creates nothing', async () => {
    const first = await post('reused-key');
    const before = await jobCount();
    const other = await post('reused-key', { ...body, filename: 'other' });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    expect(await jobCount()).toBe(before);
    expect((await post('reused-key')).body.id).toBe(first.body.id);
  });

  it('keeps tenants apart: the same key from another tenant is another job', async () => {
    const a = await post('shared-key');
    const b = await post('shared-key', body, KEY_B);
    expect(b.status).toBe(202);
    expect(b.body.id).not.toBe(a.body.id);
    expect(b.body.id).toMatch(/^zip_tenant-b_/);
  });

  it('without a key, the same body twice makes two jobs', async () => {
    const a = await h.request('POST', '/v1/zips', { body });
    const b = await h.request('POST', '/v1/zips', { body });
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    expect(a.body.id).not.toBe(b.body.id);
  });

  it('refuses a malformed key with 400', async () => {
    const res = await post('has space');
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('Idempotency-Key');
  });
});
