import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { solidPng } from '../../local/sample-files.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const RETENTION_S = 60;

let h: Harness;
let files: FileServer;
beforeAll(async () => {
  [h, files] = await Promise.all([
    startHarness({
      env: { JOB_RETENTION_SECONDS: String(RETENTION_S), ZIP_MAX_EXPIRES_IN: '60', ZIP_DEFAULT_EXPIRES_IN: '60' },
    }),
    startFileServer(),
  ]);
  files.file('/a.png', solidPng(4, 4, [1, 1, 1]), 'image/png');
});
afterAll(async () => {
  await Promise.all([h?.close(), files?.close()]);
});

const zip = async (filename: string) => {
  const res = await h.request('POST', '/v1/zips', { body: { filename, urls: [files.url('/a.png')] } });
  return h.waitForJob(res.body.id);
};

describe('retention', () => {
  it(
    `keeps a finished job readable for JOB_RETENTION_SECONDS (${RETENTION_S} s here), then answers 404`,
    { timeout: 150_000 },
    async () => {
      const old = await zip('old');
      expect(old.state).toBe('completed');
      expect((await h.request('GET', `/v1/jobs/${old.id}`)).status).toBe(200);
      // Past the retention age, BullMQ drops old finished jobs when the next one finishes.
      const deadline = Date.now() + 120_000;
      for (;;) {
        await new Promise((r) => setTimeout(r, 5_000));
        await zip('newer');
        const res = await h.request('GET', `/v1/jobs/${old.id}`);
        if (res.status === 404) {
          expect(Date.now() - Date.parse(old.finishedAt)).toBeGreaterThanOrEqual(RETENTION_S * 1000);
          expect(res.body.error.code).toBe('not_found');
          return;
        }
        expect(res.status).toBe(200);
        if (Date.now() > deadline) throw new Error('the finished job was never removed');
      }
    },
  );
});
