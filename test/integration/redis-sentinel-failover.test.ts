import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { startOwnRedisSentinel, type OwnRedisSentinel } from '../../fixtures/redis-sentinel.js';
import { until } from '../../fixtures/until.js';
import { solidPng } from '../../local/sample-files.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const JOBS = 30;
const FAILOVER_AFTER = 10;

let sentinel: OwnRedisSentinel;
let h: Harness;
let files: FileServer;

beforeAll(async () => {
  [sentinel, files] = await Promise.all([startOwnRedisSentinel(), startFileServer()]);
  h = await startHarness({
    redis: sentinel.env,
    // A job whose completion was not replicated before the primary died comes back as active with no worker:
    // short locks and stalled checks let it be taken over within the test.
    env: {
      WORKER_LOCK_DURATION_MS: '3000',
      WORKER_STALLED_INTERVAL_MS: '1000',
      WORKER_MAX_STALLED_COUNT: '5',
      // Accepted means on the replica too: replication is asynchronous, and the replica is what survives.
      REDIS_WAIT_REPLICAS: '1',
    },
  });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await Promise.all([sentinel?.close(), files?.close()]);
});

/** The job's state, or undefined while the API answers 503 (Redis failing over). */
async function stateOf(id: string): Promise<string | undefined> {
  const res = await h.request('GET', `/v1/jobs/${id}`);
  if (res.status === 503) return undefined;
  expect(res.status, `${id}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body.state as string;
}

describe('ferry on Redis Sentinel', () => {
  it('reports the Sentinel topology on /readyz', async () => {
    const ready = await h.request('GET', '/readyz', { key: null });
    expect(ready.status, JSON.stringify(ready.body)).toBe(200);
    expect(ready.body.redis).toMatchObject({
      topology: 'sentinel',
      primaryReachable: true,
      primaries: [`127.0.0.1:${sentinel.primary.port}`],
      appendonly: 'yes',
      maxmemoryPolicy: 'noeviction',
    });
  });

  it('loses no accepted job when the primary is killed mid-soak; every job ends with one archive', async () => {
    files.file('/s/a.png', solidPng(8, 8, [4, 5, 6]), 'image/png');
    const accepted: string[] = [];
    let refused = 0;
    let failover: Promise<string> | undefined;
    for (let i = 0; accepted.length < JOBS; i++) {
      const res = await h.request('POST', '/v1/zips', { body: { filename: `s${i}`, urls: [files.url('/s/a.png')] } });
      if (res.status === 202) accepted.push(res.body.id as string);
      else {
        // While the primary is away the API refuses at once, and a refused request created nothing.
        expect(res.status, JSON.stringify(res.body)).toBe(503);
        expect(res.headers.get('retry-after')).toBeTruthy();
        refused++;
        await new Promise((r) => setTimeout(r, 100));
      }
      if (accepted.length === FAILOVER_AFTER && !failover) failover = sentinel.failover();
    }
    const newPrimary = await failover;
    expect(newPrimary).toBe(`127.0.0.1:${sentinel.replica.port}`);

    const states = (await until(
      async () => {
        const all = await Promise.all(accepted.map(stateOf));
        return all.every((s) => s === 'completed' || s === 'failed' || s === 'cancelled') ? all : undefined;
      },
      'every accepted job to finish',
      45_000,
    ))!;
    expect(states.filter((s) => s !== 'completed')).toEqual([]);
    for (const id of accepted) {
      const listed = await h.clients.s3.send(
        new ListObjectsV2Command({ Bucket: h.config.S3_BUCKET, Prefix: `tenant-a/zips/${id}/` }),
      );
      expect((listed.Contents ?? []).map((o) => o.Key)).toHaveLength(1);
    }

    const ready = (await until(async () => {
      const r = await h.request('GET', '/readyz', { key: null });
      return r.status === 200 ? r : undefined;
    }, 'the API to be ready on the new primary'))!;
    expect(ready.body.redis).toMatchObject({ topology: 'sentinel', primaries: [newPrimary] });
    console.info(`sentinel soak: ${accepted.length} accepted, ${refused} refused with 503 during the failover`);
  }, 90_000);
});
