import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOwnRedis, type OwnRedis } from '../../fixtures/redis-server.js';
import { until } from '../../fixtures/until.js';
import { API_ONLY_KEY, startApiOnly, type ApiOnly } from '../helpers/api-only.js';

let redis: OwnRedis;
let api: ApiOnly;
beforeAll(async () => {
  redis = await startOwnRedis();
  api = await startApiOnly({ REDIS_URL: redis.url, API_REDIS_TIMEOUT_MS: '500' });
});
afterAll(async () => {
  redis?.resume();
  await api?.close();
  await redis?.close();
});

const zip = JSON.stringify({ filename: 'x', urls: ['https://example.com/a.jpg'] });

/** POST /v1/zips; fails when no answer comes within the contract's 2 s. */
async function post(headers: Record<string, string> = {}) {
  const res = await fetch(`${api.url}/v1/zips`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_ONLY_KEY}`, 'content-type': 'application/json', ...headers },
    body: zip,
    signal: AbortSignal.timeout(2000),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

const jobCount = async () => Object.values(await api.queues.zip.getJobCounts()).reduce((a, b) => a + b, 0);

describe('Redis unreachable', () => {
  it('answers 503 unavailable with Retry-After at once, creates none of those jobs, and recovers', async () => {
    expect((await post()).status).toBe(202);

    await redis.stop();
    for (const headers of [{}, { 'idempotency-key': 'outage-1' }, {}] as Record<string, string>[]) {
      const res = await post(headers);
      expect(res.status, JSON.stringify(res.body)).toBe(503);
      expect(res.body.error.code).toBe('unavailable');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(res.body.error.details.retryAfter).toBe(Number(res.headers.get('retry-after')));
    }
    // The document declares it (openapi.test.ts cannot take Redis away).
    const doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as any;
    expect(doc.paths['/v1/zips'].post.responses['503'].headers).toHaveProperty('Retry-After');
    // Logged as a warning (an outage is not a bug), never as an error per request.
    expect(api.logs.filter((l) => l.level >= 50 && l.msg === 'request failed')).toEqual([]);

    // The restarted Redis is empty: any job in it now would be one of the 503'd requests run late.
    await redis.start();
    await until(() => api.clients.redis.status === 'ready', 'the API to reconnect');
    await until(async () => (await api.clients.redis.ping()) === 'PONG', 'a PING through the API connection');
    expect(await jobCount()).toBe(0);

    const after = await post({ 'idempotency-key': 'outage-1' });
    expect(after.status, JSON.stringify(after.body)).toBe(202);
    expect(await jobCount()).toBe(1);
  });

  it('answers 503 within API_REDIS_TIMEOUT_MS when Redis accepts connections but does not answer', async () => {
    const before = await jobCount();
    redis.pause();
    try {
      const res = await post();
      expect(res.status, JSON.stringify(res.body)).toBe(503);
      expect(res.body.error.code).toBe('unavailable');
      expect(res.headers.get('retry-after')).not.toBeNull();
      const metrics = await fetch(`${api.url}/metrics`, { signal: AbortSignal.timeout(2000) });
      expect(metrics.status).toBe(503);
    } finally {
      redis.resume();
    }
    await until(async () => (await api.clients.redis.ping()) === 'PONG', 'Redis to answer again');
    // The request stopped at its first command (the rate limiter's): no job was added late.
    expect(await jobCount()).toBe(before);
    expect((await post()).status).toBe(202);
  });
});
