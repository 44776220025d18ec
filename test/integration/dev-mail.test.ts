import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../fixtures/free-port.js';
import { until } from '../helpers/until.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('npm run dev: the local SMTP sink', () => {
  it('receives the share email and lists it at /dev/mail, its link leading to the share page', async () => {
    const port = await freePort();
    const dataDir = await mkdtemp(join(tmpdir(), 'ferry-test-dev-mail-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const prefix = `test-dev-mail-${port}`;
    const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    // The dev process's queues and keys go once it has stopped.
    cleanups.push(async () => {
      const redis = new Redis(redisUrl);
      try {
        const keys = await redis.keys(`${prefix}:*`);
        if (keys.length > 0) await redis.del(...keys);
      } finally {
        redis.disconnect();
      }
    });
    const dev = spawn(process.execPath, ['--import', 'tsx', 'local/dev.ts'], {
      env: {
        PATH: process.env.PATH ?? '',
        REDIS_URL: redisUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        FERRY_DATA_DIR: dataDir,
        QUEUE_PREFIX: prefix,
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
    await until(() => out.includes('ferry dev is running'), 'the banner', 45_000);
    expect(out).toContain(`share emails:           http://127.0.0.1:${port}/dev/mail`);
    const base = `http://127.0.0.1:${port}`;
    const key = (await readFile(join(dataDir, 'dev-api-key'), 'utf8')).trim();
    const created = await fetch(`${base}/v1/zips`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}` },
      body: JSON.stringify({
        filename: 'for-ann',
        urls: [`${base}/dev/samples/red.png`],
        notify: { email: ['ann@example.com'], message: 'From dev mode' },
      }),
    });
    expect(created.status).toBe(202);

    const list = (await until(async () => {
      const text = await (await fetch(`${base}/dev/mail`)).text();
      return text.includes('for-ann.zip') && text;
    }, 'the email at /dev/mail')) as string;
    expect(list).toContain('To ann@example.com');
    expect(list).toContain('From dev mode');
    // The link in the email is clickable there and leads to the page.
    const link = /<a href="(http:\/\/127\.0\.0\.1:\d+\/s\/[A-Za-z0-9_-]{32})">/.exec(list)?.[1];
    expect(link, list).toBeDefined();
    const page = await fetch(link!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('for-ann.zip');
    const htmlVersion = /href="(\/dev\/mail\/\d+)"/.exec(list)?.[1];
    const mail = await fetch(`${base}${htmlVersion}`);
    expect(await mail.text()).toContain(`href="${link}"`);

    dev.kill('SIGTERM');
    await exited;
  });
});
