import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../fixtures/free-port.js';
import { startOwnRedis } from '../../fixtures/redis-server.js';
import { until } from '../helpers/until.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('npm run dev', () => {
  it('waits for Redis, saying so, before it prints its banner', async () => {
    const redisPort = await freePort();
    const dataDir = await mkdtemp(join(tmpdir(), 'ferry-test-dev-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const dev = spawn(process.execPath, ['--import', 'tsx', 'local/dev.ts'], {
      env: {
        PATH: process.env.PATH ?? '',
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        PORT: String(await freePort()),
        HOST: '127.0.0.1',
        FERRY_DATA_DIR: dataDir,
        QUEUE_PREFIX: `test-dev-${redisPort}`,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    dev.stdout.on('data', (d: Buffer) => (out += d.toString()));
    dev.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = once(dev, 'exit');
    cleanups.push(async () => {
      if (dev.exitCode === null && dev.signalCode === null) {
        dev.kill('SIGKILL');
        await exited;
      }
    });

    await until(() => out.includes('waiting for Redis'), 'the waiting message', 30_000);
    expect(out).not.toContain('ferry dev is running');
    expect(out).not.toContain('Unhandled error event');

    const redis = await startOwnRedis([], redisPort);
    cleanups.push(() => redis.close());
    await until(() => out.includes('ferry dev is running'), 'the banner', 60_000);
    dev.kill('SIGTERM');
    await exited;
  });
});
