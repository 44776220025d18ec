import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { freePort } from '../../fixtures/free-port.js';
import { until } from '../../fixtures/until.js';
import { LOCAL_CREDENTIALS } from '../../local/stack.js';
import { hashApiKey } from '../../shared/tenants.js';
import { KEY_A, MEDIA_SECRET_A, startHarness, type Harness } from '../helpers/harness.js';
import { decode, get, ingestFile, solid, variantUrl } from '../helpers/media.js';

let h: Harness;
let files: FileServer;
beforeAll(async () => {
  [h, files] = await Promise.all([startHarness(), startFileServer()]);
});
afterAll(async () => {
  await Promise.all([h?.close(), files?.close()]);
});

describe('the media process (media/server.ts, the Procfile’s media)', () => {
  it('serves /healthz and the variant URLs the API signs, then stops on SIGTERM', async () => {
    const { url } = await ingestFile(
      h,
      files,
      '/p.png',
      await solid(300, 200, '#336699').png().toBuffer(),
      'image/png',
    );
    const port = await freePort();
    const tenants = [{ id: 'tenant-a', apiKeys: [hashApiKey(KEY_A)], mediaSecret: MEDIA_SECRET_A }];
    const child = spawn(process.execPath, ['--import', 'tsx', 'media/server.ts'], {
      env: {
        PATH: process.env.PATH ?? '',
        ...h.env,
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
        MEDIA_PORT: String(port),
        FERRY_TENANTS: JSON.stringify(tenants),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = once(child, 'exit');
    try {
      const base = `http://127.0.0.1:${port}`;
      await until(
        async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.status === 200,
        'healthz',
        30_000,
      );
      const health = await (await fetch(`${base}/healthz`)).json();
      expect(health).toMatchObject({ status: 'ok', renders: { running: 0, waiting: 0 } });
      const signed = new URL(await variantUrl(h, { url, width: 150, format: 'webp' }));
      const res = await get(base + signed.pathname);
      expect(res.status, out).toBe(200);
      const meta = await decode(res.body);
      expect([meta.format, meta.width, meta.height]).toEqual(['webp', 150, 100]);
      expect((await get(`${base}/nope`)).status).toBe(404);
    } finally {
      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code, out).toBe(0);
    }
  });
});
