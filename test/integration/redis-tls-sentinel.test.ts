import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { startOwnRedisSentinel, type OwnRedisSentinel } from '../../fixtures/redis-sentinel.js';
import { makeTestCertificates, type TestCertificates } from '../../fixtures/redis-tls.js';
import { until } from '../../fixtures/until.js';
import { solidPng } from '../../local/sample-files.js';
import { startHarness, type Harness } from '../helpers/harness.js';

// A primary, a replica and three sentinels that all speak TLS only, with a throwaway CA's certificates.
let certs: TestCertificates;
let sentinel: OwnRedisSentinel;
let files: FileServer;
let h: Harness;

beforeAll(async () => {
  certs = await makeTestCertificates();
  sentinel = await startOwnRedisSentinel(certs);
  files = await startFileServer();
  h = await startHarness({ redis: sentinel.env });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await Promise.all([sentinel?.close(), files?.close()]);
  await certs?.close();
});

describe('ferry on Redis Sentinel over TLS', () => {
  it('finds the primary through TLS sentinels (REDIS_TLS, REDIS_TLS_CA_FILE) and runs a zip job', async () => {
    const readyz = await h.request('GET', '/readyz', { key: null });
    expect(readyz.status, JSON.stringify(readyz.body)).toBe(200);
    expect(readyz.body.redis).toMatchObject({
      topology: 'sentinel',
      primaryReachable: true,
      primaries: [`127.0.0.1:${sentinel.primary.port}`],
    });

    files.file('/s/a.png', solidPng(8, 8, [1, 1, 1]), 'image/png');
    const res = await h.request('POST', '/v1/zips', { body: { filename: 'tls', urls: [files.url('/s/a.png')] } });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const job = await h.waitForJob(res.body.id);
    expect(job.state, JSON.stringify(job)).toBe('completed');
    expect((await h.download(job.result.downloadUrl)).status).toBe(200);
    const keys = await sentinel.primary.client.keys(`${h.config.QUEUE_PREFIX}:*`);
    expect(keys.some((k) => k.endsWith(`:${res.body.id}`))).toBe(true);
  });

  it('fails over over TLS: the sentinels promote the replica, and the next job runs on it', async () => {
    const promoted = await sentinel.failover();
    expect(promoted).toBe(`127.0.0.1:${sentinel.replica.port}`);
    // The API answers 503 until its connection has found the new primary.
    const res = (await until(async () => {
      const r = await h.request('POST', '/v1/zips', { body: { filename: 'after', urls: [files.url('/s/a.png')] } });
      return r.status === 202 ? r : undefined;
    }, 'the API on the new primary'))!;
    const job = await h.waitForJob(res.body.id);
    expect(job.state, JSON.stringify(job)).toBe('completed');
    const readyz = await h.request('GET', '/readyz', { key: null });
    expect(readyz.body.redis).toMatchObject({ topology: 'sentinel', primaries: [promoted] });
  });
});
