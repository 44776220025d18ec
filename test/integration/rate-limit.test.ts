import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRateLimiter } from '../../api/jobs/job-rate-limiter.js';
import { KEY_B, startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  // No worker: jobs stay queued, and only the API's counting matters.
  h = await startHarness({ workers: false, limitsA: { jobsPerMinute: 3 } });
});
afterAll(async () => {
  await h?.close();
});

const zip = { filename: 'x', urls: ['https://example.com/a.jpg'] };
const ingest = { urls: ['https://example.com/b.jpg'] };

describe('job creation rate limit', () => {
  it('refuses the N+1th job in the window with 429 and Retry-After; other tenants and GET /v1/limits go on', async () => {
    // An invalid request uses up a slot too (bounded-validation.test.ts has more); zips and ingests share one quota.
    expect((await h.request('POST', '/v1/zips', { body: { filename: 'x' } })).status).toBe(400);
    for (const [path, body] of [
      ['/v1/ingests', ingest],
      ['/v1/zips', zip],
    ] as const) {
      const res = await h.request('POST', path, { body });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
    }
    const before = await h.request('GET', '/v1/limits');
    expect(before.body.rate).toEqual({ windowSeconds: 60, remaining: 0 });

    for (const [path, body] of [
      ['/v1/zips', zip],
      ['/v1/ingests', ingest],
    ] as const) {
      const refused = await h.request('POST', path, { body });
      expect(refused.status, path).toBe(429);
      expect(refused.body.error).toMatchObject({ code: 'rate_limited', details: { limit: 3 } });
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(refused.body.error.details.retryAfter).toBe(retryAfter);
    }

    const other = await h.request('POST', '/v1/zips', { body: zip, key: KEY_B });
    expect(other.status).toBe(202);
    // Other routes are not limited.
    expect((await h.request('GET', '/v1/jobs/unknown')).status).toBe(404);
  });

  it('GET /v1/limits returns the caller\u2019s limits', async () => {
    const a = await h.request('GET', '/v1/limits');
    expect(a.status).toBe(200);
    expect(a.body).toEqual({
      tenant: 'tenant-a',
      limits: {
        jobsPerMinute: 3,
        maxFilesPerJob: 1000,
        maxFileBytes: 50 * 1024 * 1024,
        maxJobBytes: 500 * 1024 * 1024,
        allowedTypes: expect.arrayContaining(['image/*', 'application/pdf']),
      },
      rate: { windowSeconds: 60, remaining: 0 },
    });
    const b = await h.request('GET', '/v1/limits', { key: KEY_B });
    expect(b.body).toMatchObject({ tenant: 'tenant-b', limits: { jobsPerMinute: 1000 }, rate: { remaining: 999 } });
    expect((await h.request('GET', '/v1/limits', { key: null })).status).toBe(401);
  });
});

describe('JobRateLimiter', () => {
  it('is a sliding window: a slot comes back once its job is a window old, and a refund gives it back at once', async () => {
    const limiter = new JobRateLimiter(h.clients.redis, h.config.QUEUE_PREFIX, 400);
    const tenant = `t-${randomUUID()}`;
    const first = await limiter.take(tenant, 2);
    expect(first).toMatchObject({ allowed: true, remaining: 1 });
    expect(await limiter.take(tenant, 2)).toMatchObject({ allowed: true, remaining: 0 });
    const refused = await limiter.take(tenant, 2);
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) expect(refused.retryAfterMs).toBeLessThanOrEqual(400);
    expect(await limiter.remaining(tenant, 2)).toBe(0);

    if (first.allowed) await limiter.refund(tenant, first.token);
    expect(await limiter.remaining(tenant, 2)).toBe(1);
    expect((await limiter.take(tenant, 2)).allowed).toBe(true);

    const deadline = Date.now() + 5000;
    while ((await limiter.remaining(tenant, 2)) < 2) {
      expect(Date.now(), 'the window never slid').toBeLessThan(deadline);
      await new Promise((r) => setTimeout(r, 20));
    }
  });
});
