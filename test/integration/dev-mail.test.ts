import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { until } from '../../fixtures/until.js';
import { startDevProcess } from '../helpers/dev-process.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('npm run dev: the local SMTP sink', () => {
  it('receives the share email and lists it at /dev/mail, its link leading to the share page', async () => {
    const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const dev = await startDevProcess('test-dev-mail');
    const { port, dataDir } = dev;
    const prefix = `test-dev-mail-${port}`;
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
    cleanups.push(() => dev.cleanup());
    const out = () => dev.output();
    await until(() => out().includes('ferry dev is running'), 'the banner', 60_000);
    expect(out()).toContain(`share emails:           http://127.0.0.1:${port}/dev/mail`);
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

    expect(await dev.stop()).toBe(0);
  });
});
