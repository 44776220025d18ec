import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../fixtures/free-port.js';
import { decode, get } from '../helpers/media.js';
import { until } from '../helpers/until.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('npm run dev serves media variants', () => {
  it('prints an <img> URL that works as printed', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ferry-test-dev-media-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    const dev = spawn(process.execPath, ['--import', 'tsx', 'local/dev.ts'], {
      env: {
        PATH: process.env.PATH ?? '',
        REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        PORT: String(port),
        HOST: '127.0.0.1',
        FERRY_DATA_DIR: dataDir,
        QUEUE_PREFIX: `test-dev-media-${port}`,
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
    await until(() => out.includes('ferry dev is running'), 'the banner', 60_000);
    const src = /<img src="([^"]+)"/.exec(out)?.[1];
    expect(src, out).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/m/dev/`));
    const res = await get(src!, { accept: 'image/webp,*/*' });
    expect(res.status).toBe(200);
    expect(res.headers.get('vary')).toBe('Accept');
    const meta = await decode(res.body);
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 300, 200]);
    dev.kill('SIGTERM');
    await exited;
  });
});
