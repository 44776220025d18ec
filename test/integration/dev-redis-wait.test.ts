import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../fixtures/free-port.js';
import { startOwnRedis } from '../../fixtures/redis-server.js';
import { until } from '../../fixtures/until.js';
import { startDevProcess } from '../helpers/dev-process.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('npm run dev', () => {
  it('waits for Redis, saying so, before it prints its banner', async () => {
    const redisPort = await freePort();
    const dev = await startDevProcess('test-dev', { REDIS_URL: `redis://127.0.0.1:${redisPort}` });
    cleanups.push(() => dev.cleanup());

    await until(() => dev.output().includes('waiting for Redis'), 'the waiting message', 30_000);
    expect(dev.output()).not.toContain('ferry dev is running');
    expect(dev.output()).not.toContain('Unhandled error event');

    const redis = await startOwnRedis([], redisPort);
    cleanups.push(() => redis.close());
    await until(() => dev.output().includes('ferry dev is running'), 'the banner', 60_000);
    await dev.stop();
  });
});
