import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { startOwnRedisCluster, type OwnRedisCluster } from '../../fixtures/redis-cluster.js';
import { until } from '../../fixtures/until.js';
import { solidPng } from '../../local/sample-files.js';
import { verifyWebhook } from '../../shared/webhooks.js';
import { KEY_A, KEY_B, startHarness, WEBHOOK_SECRET_A, type Harness } from '../helpers/harness.js';
import { readZip } from '../helpers/zip-reader.js';

// One of each path on a real 3-master cluster: every key ferry and BullMQ write must share the prefix's slot
// (a CROSSSLOT or MOVED reply would fail the request or the job), Lua scripts included.
let cluster: OwnRedisCluster;
let h: Harness;
let files: FileServer;
const held: ServerResponse[] = [];
let zipId: string;

beforeAll(async () => {
  [cluster, files] = await Promise.all([startOwnRedisCluster(3), startFileServer()]);
  h = await startHarness({
    redis: cluster.env,
    limitsA: { jobsPerMinute: 8 },
    env: {
      WEBHOOK_RETRY_DELAY_MS: '50',
      WEBHOOK_MAX_ATTEMPTS: '3',
      BULL_BOARD_USER: 'ops',
      BULL_BOARD_PASSWORD: 'board-secret',
    },
  });
}, 60_000);
afterAll(async () => {
  for (const res of held) res.destroy();
  await h?.close();
  await Promise.all([cluster?.close(), files?.close()]);
});

describe('ferry on a Redis Cluster', () => {
  it('uses a hash-tagged prefix and /readyz reports the cluster', async () => {
    expect(h.config.QUEUE_PREFIX).toMatch(/^\{test-[^}]+\}$/);
    const ready = await h.request('GET', '/readyz', { key: null });
    expect(ready.status, JSON.stringify(ready.body)).toBe(200);
    expect(ready.body.redis).toMatchObject({
      topology: 'cluster',
      clusterState: 'ok',
      primaryReachable: true,
      maxmemoryPolicy: 'noeviction',
      appendonly: 'yes',
      warnings: [],
    });
    expect(ready.body.redis.primaries).toHaveLength(3);
  });

  it('runs a zip job with a webhook: archive stored, delivery signed', async () => {
    const png = solidPng(8, 8, [9, 8, 7]);
    files.file('/z/a.png', png, 'image/png');
    const deliveries = files.receive('/hook');
    const res = await h.request('POST', '/v1/zips', {
      body: { filename: 'c', urls: [files.url('/z/a.png')], webhook: { url: files.url('/hook') } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    zipId = res.body.id as string;
    const job = await h.waitForJob(zipId);
    expect(job.state).toBe('completed');
    const dl = await h.download(job.result.downloadUrl);
    expect(dl.status).toBe(200);
    const entries = await readZip(dl.body);
    expect(entries.map((e) => e.name)).toEqual(['a.png']);
    await until(() => deliveries.length > 0, 'the webhook delivery');
    expect(() => verifyWebhook(WEBHOOK_SECRET_A, deliveries[0]!.headers as never, deliveries[0]!.body)).not.toThrow();
    expect(JSON.parse(deliveries[0]!.body)).toMatchObject({ data: { id: res.body.id } });
  });

  it('runs an ingest job', async () => {
    files.file('/i/b.png', solidPng(6, 6, [1, 2, 3]), 'image/png');
    const res = await h.request('POST', '/v1/ingests', { body: { urls: [files.url('/i/b.png')] }, key: KEY_B });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const job = await h.waitForJob(res.body.id, { key: KEY_B });
    expect(job.state).toBe('completed');
  });

  it('cancels a running job (pub/sub reaches the worker)', async () => {
    files.route('/r/slow.png', (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.write(solidPng(4, 4, [3, 3, 3]));
      held.push(res);
    });
    const created = await h.request('POST', '/v1/zips', {
      body: { filename: 'running', urls: [files.url('/r/slow.png')] },
      key: KEY_B,
    });
    expect(created.status).toBe(202);
    await until(async () => {
      const doc = (await h.request('GET', `/v1/jobs/${created.body.id}`, { key: KEY_B })).body;
      return doc.state === 'active' && files.hits('/r/slow.png') > 0;
    }, 'the job to be mid-download');
    expect((await h.request('DELETE', `/v1/jobs/${created.body.id}`, { key: KEY_B })).status).toBe(202);
    await until(async () => (await h.queues.zip.getJobState(created.body.id)) === 'failed', 'the worker to stop it');
    const doc = (await h.request('GET', `/v1/jobs/${created.body.id}`, { key: KEY_B })).body;
    expect(doc).toMatchObject({ state: 'cancelled', error: { code: 'cancelled' } });
  });

  it('keeps an Idempotency-Key: the same body gets the same job, another body 422', async () => {
    files.file('/d/a.png', solidPng(4, 4, [5, 5, 5]), 'image/png');
    const body = { filename: 'idem', urls: [files.url('/d/a.png')] };
    const headers = { 'idempotency-key': 'cluster-key-1' };
    const first = await h.request('POST', '/v1/zips', { body, headers });
    const again = await h.request('POST', '/v1/zips', { body, headers });
    expect([first.status, again.status]).toEqual([202, 200]);
    expect(again.body.id).toBe(first.body.id);
    const other = await h.request('POST', '/v1/zips', { body: { ...body, filename: 'other' }, headers });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');
  });

  it('rate-limits per tenant with the sliding-log script', async () => {
    files.file('/l/a.png', solidPng(4, 4, [6, 6, 6]), 'image/png');
    const limits = await h.request('GET', '/v1/limits');
    const remaining = limits.body.rate.remaining as number;
    for (let i = 0; i < remaining; i++) {
      const ok = await h.request('POST', '/v1/zips', { body: { filename: `l${i}`, urls: [files.url('/l/a.png')] } });
      expect(ok.status).toBe(202);
    }
    const refused = await h.request('POST', '/v1/zips', { body: { filename: 'over', urls: [files.url('/l/a.png')] } });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('reports fleet metrics written by the workers (MULTI on one key)', async () => {
    const metrics = await h.request('GET', '/metrics', { key: null });
    expect(metrics.status).toBe(200);
    expect(String(metrics.body)).toMatch(/ferry_jobs_finished_total\{type="zip",outcome="completed"\} [1-9]/);
  });

  it('serves Bull Board and the job events stream from the cluster', async () => {
    const ops = { authorization: `Basic ${Buffer.from('ops:board-secret').toString('base64')}` };
    const board = await h.request('GET', '/admin/queues/api/queues', { key: null, headers: ops });
    expect(board.status).toBe(200);
    expect((board.body.queues as { name: string }[]).map((q) => q.name)).toContain('zip');
    const res = await fetch(`${h.baseUrl}/v1/jobs/${zipId}/events`, { headers: { authorization: `Bearer ${KEY_A}` } });
    expect(res.status).toBe(200);
    // The job is finished: the stream sends its final state and ends.
    const text = await res.text();
    expect(text).toMatch(/event: (completed|state)/);
    expect(text).toContain(zipId);
  });

  // Last: it takes a primary away (and brings it back for the clean-up).
  it('is not ready (503) while the primary of its slot is down, refuses jobs with 503, and recovers', async () => {
    // The node that owns the prefix's hash slot: every ferry key lives there.
    const slot = await cluster.nodes[0]!.client.cluster('KEYSLOT', h.config.QUEUE_PREFIX);
    const ranges = await cluster.nodes[0]!.client.cluster('SLOTS');
    const owner = ranges.find(([from, to]) => slot >= from && slot <= to)![2]![1];
    const node = cluster.nodes.find((n) => n.port === owner)!;
    await node.stop();
    const down = (await until(async () => {
      const r = await h.request('GET', '/readyz', { key: null });
      return r.status === 503 ? r : undefined;
    }, '/readyz to say not ready'))!;
    expect(down.body).toMatchObject({ status: 'not_ready', checks: { redis: { ok: false } } });
    // Within the probe's time limit the report says why; past it only the check's error does.
    if (down.body.redis) {
      expect(down.body.redis.topology).toBe('cluster');
      expect(down.body.redis.primaryReachable === false || down.body.redis.clusterState !== 'ok').toBe(true);
    }
    files.file('/o/a.png', solidPng(4, 4, [7, 7, 7]), 'image/png');
    const refused = await h.request('POST', '/v1/zips', {
      body: { filename: 'outage', urls: [files.url('/o/a.png')] },
      key: KEY_B,
    });
    expect(refused.status, JSON.stringify(refused.body)).toBe(503);
    expect(refused.body.error.code).toBe('unavailable');
    expect(refused.headers.get('retry-after')).toBeTruthy();

    await node.start();
    await until(async () => (await h.request('GET', '/readyz', { key: null })).status === 200, '/readyz ready again');
    const after = await until(async () => {
      const r = await h.request('POST', '/v1/zips', {
        body: { filename: 'after', urls: [files.url('/o/a.png')] },
        key: KEY_B,
      });
      return r.status === 202 ? r : undefined;
    }, 'a job accepted again');
    expect((await h.waitForJob(after!.body.id as string, { key: KEY_B })).state).toBe('completed');
  }, 60_000);
});
