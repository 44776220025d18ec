import type { ServerResponse } from 'node:http';
import { ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { until } from '../../fixtures/until.js';
import { solidPng } from '../../local/sample-files.js';
import { KEY_B, startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
let files: FileServer;
const held: ServerResponse[] = [];
beforeAll(async () => {
  [h, files] = await Promise.all([startHarness({ workers: false }), startFileServer()]);
});
afterAll(async () => {
  for (const res of held) res.destroy();
  await Promise.all([h?.close(), files?.close()]);
});

async function nothingLeft(jobId: string) {
  const prefix = `tenant-a/zips/${jobId}/`;
  const objects = await h.clients.s3.send(new ListObjectsV2Command({ Bucket: h.config.S3_BUCKET, Prefix: prefix }));
  expect(objects.Contents ?? []).toEqual([]);
  const uploads = await h.clients.s3.send(
    new ListMultipartUploadsCommand({ Bucket: h.config.S3_BUCKET, Prefix: prefix }),
  );
  expect(uploads.Uploads ?? []).toEqual([]);
  expect(await h.tempFiles()).toEqual([]);
}

describe('DELETE /v1/jobs/:id', () => {
  it('cancels a queued job at once; the worker that picks it up fails it without fetching anything', async () => {
    files.file('/q/a.png', solidPng(4, 4, [1, 1, 1]), 'image/png');
    const created = await h.request('POST', '/v1/zips', {
      body: { filename: 'queued', urls: [files.url('/q/a.png')] },
    });
    expect((await h.request('DELETE', `/v1/jobs/${created.body.id}`, { key: KEY_B })).status).toBe(404);
    const cancel = await h.request('DELETE', `/v1/jobs/${created.body.id}`);
    expect(cancel.status).toBe(202);
    expect(cancel.body).toEqual({ id: created.body.id, type: 'zip', state: 'cancelled' });
    expect((await h.request('GET', `/v1/jobs/${created.body.id}`)).body.state).toBe('cancelled');

    const worker = h.startWorker();
    const job = await h.waitForJob(created.body.id);
    await until(async () => (await h.queues.zip.getJobState(created.body.id)) === 'failed', 'the worker to fail it');
    const after = (await h.request('GET', `/v1/jobs/${created.body.id}`)).body;
    expect(job.state).toBe('cancelled');
    expect(after).toMatchObject({ state: 'cancelled', error: { code: 'cancelled' } });
    expect(files.hits('/q/a.png')).toBe(0);
    expect((await h.request('DELETE', `/v1/jobs/${created.body.id}`)).status).toBe(409);
    await worker.close();
  });

  it('cancels a running zip mid-download: no archive, no open upload, no temp files', async () => {
    const big = Buffer.concat([solidPng(4, 4, [2, 2, 2]), Buffer.alloc(12 * 1024 * 1024, 7)]);
    files.file('/r/big.png', big, 'image/png');
    files.route('/r/slow.png', (_req, res) => {
      // Sends a little, then holds the rest: the job stays mid-download until it is cancelled.
      res.writeHead(200, { 'content-type': 'image/png' });
      res.write(solidPng(4, 4, [3, 3, 3]));
      held.push(res);
    });
    const worker = h.startWorker({ DOWNLOAD_CONCURRENCY: '1', FETCH_IDLE_TIMEOUT_MS: '60000' });
    const created = await h.request('POST', '/v1/zips', {
      body: { filename: 'running', urls: [files.url('/r/big.png'), files.url('/r/slow.png')] },
    });
    await until(async () => {
      const doc = (await h.request('GET', `/v1/jobs/${created.body.id}`)).body;
      return doc.state === 'active' && files.hits('/r/slow.png') > 0;
    }, 'the job to be mid-download');
    const cancel = await h.request('DELETE', `/v1/jobs/${created.body.id}`);
    expect(cancel.status).toBe(202);
    await until(
      async () => (await h.queues.zip.getJobState(created.body.id)) === 'failed',
      'the worker to stop the job',
      20_000,
    );
    const doc = (await h.request('GET', `/v1/jobs/${created.body.id}`)).body;
    expect(doc).toMatchObject({ state: 'cancelled', error: { code: 'cancelled' } });
    await nothingLeft(created.body.id);
    await worker.close();
  });

  it('answers 409 for a finished job', async () => {
    files.file('/f/a.png', solidPng(4, 4, [4, 4, 4]), 'image/png');
    const worker = h.startWorker();
    const created = await h.request('POST', '/v1/zips', { body: { filename: 'done', urls: [files.url('/f/a.png')] } });
    const job = await h.waitForJob(created.body.id);
    expect(job.state).toBe('completed');
    const res = await h.request('DELETE', `/v1/jobs/${created.body.id}`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('job_finished');
    await worker.close();
  });
});
