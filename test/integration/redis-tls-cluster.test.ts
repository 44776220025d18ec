import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { startOwnRedisCluster, type OwnRedisCluster } from '../../fixtures/redis-cluster.js';
import { makeTestCertificates, type OwnTlsRedis, type TestCertificates } from '../../fixtures/redis-tls.js';
import { solidPng } from '../../local/sample-files.js';
import { startHarness, type Harness } from '../helpers/harness.js';

// A 3-master Redis Cluster that speaks TLS only (clients and bus), with a throwaway CA's certificates.
let certs: TestCertificates;
let cluster: OwnRedisCluster<OwnTlsRedis>;
let files: FileServer;
let h: Harness;

beforeAll(async () => {
  certs = await makeTestCertificates();
  cluster = await startOwnRedisCluster(3, certs);
  files = await startFileServer();
  h = await startHarness({ redis: cluster.env });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await Promise.all([cluster?.close(), files?.close()]);
  await certs?.close();
});

describe('ferry on Redis Cluster over TLS', () => {
  it('is ready on the cluster (REDIS_TLS, REDIS_TLS_CA_FILE) and runs a zip job', async () => {
    const readyz = await h.request('GET', '/readyz', { key: null });
    expect(readyz.status, JSON.stringify(readyz.body)).toBe(200);
    expect(readyz.body.redis).toMatchObject({ topology: 'cluster', clusterState: 'ok', primaryReachable: true });
    expect(readyz.body.redis.primaries).toHaveLength(3);

    files.file('/c/a.png', solidPng(8, 8, [2, 2, 2]), 'image/png');
    const res = await h.request('POST', '/v1/zips', { body: { filename: 'tls', urls: [files.url('/c/a.png')] } });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const job = await h.waitForJob(res.body.id);
    expect(job.state, JSON.stringify(job)).toBe('completed');
    expect((await h.download(job.result.downloadUrl)).status).toBe(200);
  });
});
