import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_B, startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  // No worker: only the API's validation matters. Tenant A may name 1000 files per job (the harness default).
  h = await startHarness({ workers: false, limitsA: { jobsPerMinute: 5 } });
});
afterAll(async () => {
  await h?.close();
});

const bad = (n: number) => Array.from({ length: n }, (_, i) => `nope-${i}`);

describe('validation does bounded work', () => {
  it('refuses an array longer than the tenant allows before looking at its items; others are served meanwhile', async () => {
    const raw = JSON.stringify({ filename: 'x', urls: bad(100_000) });
    expect(raw.length).toBeGreaterThan(500_000);
    const started = performance.now();
    const [big, health, other] = await Promise.all([
      h.request('POST', '/v1/zips', { raw }),
      h.request('GET', '/healthz', { key: null }),
      h.request('GET', '/v1/limits', { key: KEY_B }),
    ]);
    const text = JSON.stringify(big.body);
    console.info(
      `100,000 invalid urls: ${big.status}, ${text.length} bytes, ${Math.round(performance.now() - started)} ms`,
    );
    expect(big.status).toBe(400);
    expect(text.length).toBeLessThan(64 * 1024);
    // The items were not checked: the one problem is the array's length.
    expect(big.body.error.details).toEqual([{ field: 'urls', message: 'must have at most 1000 items' }]);
    expect(health.status).toBe(200);
    expect(other.status).toBe(200);
  });

  it('checks every array of the body: files and urls both', async () => {
    const res = await h.request('POST', '/v1/zips', {
      body: { filename: 'x', files: [{ url: 'https://example.com/a' }], urls: bad(1001) },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ field: 'urls', message: 'must have at most 1000 items' }]);
  });

  it('lists at most 100 problems and counts the rest', async () => {
    const res = await h.request('POST', '/v1/ingests', { body: { urls: bad(1000) } });
    expect(res.status).toBe(400);
    const { details, message } = res.body.error;
    expect(details.length).toBeLessThanOrEqual(101);
    expect(details.slice(0, 100).map((d: { field: string }) => d.field)).toEqual(bad(100).map((_, i) => `urls[${i}]`));
    expect(details[100]).toEqual({ field: '', message: 'and 900 more problems' });
    expect(message.length).toBeLessThan(2048);
  });

  it('counts invalid requests against the rate limit', async () => {
    // jobsPerMinute is 5, and the tests above spent 3 slots.
    for (let i = 0; i < 2; i++) {
      expect((await h.request('POST', '/v1/ingests', { body: { urls: [] } })).status).toBe(400);
    }
    const refused = await h.request('POST', '/v1/ingests', { body: { urls: [] } });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
  });
});
