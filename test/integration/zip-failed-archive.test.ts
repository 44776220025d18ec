import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { until } from '../../fixtures/until.js';
import { solidPng } from '../../local/sample-files.js';
import { startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
let files: FileServer;
beforeAll(async () => {
  [h, files] = await Promise.all([startHarness({ workers: false }), startFileServer()]);
});
afterAll(() => Promise.all([h?.close(), files?.close()]));

async function archiveKeys(jobId: string) {
  const out = await h.clients.s3.send(
    new ListObjectsV2Command({ Bucket: h.config.S3_BUCKET, Prefix: `tenant-a/zips/${jobId}/` }),
  );
  return (out.Contents ?? []).map((o) => o.Key);
}

describe('a zip that fails for good after its archive was stored', () => {
  it('removes the archive: nothing hands it out, and nothing else would delete it', async () => {
    files.file('/late/a.png', solidPng(4, 4, [5, 6, 7]), 'image/png');
    // The API can make share links; this worker cannot (no PUBLIC_URL): the archive is uploaded, then the
    // share step fails the job for good, as a lost CompleteMultipartUpload answer would after the object exists.
    const worker = h.startWorker({ PUBLIC_URL: '' });
    try {
      const res = await h.request('POST', '/v1/zips', {
        body: { filename: 'late', urls: [files.url('/late/a.png')], share: {} },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      const job = await h.waitForJob(res.body.id);
      expect(job).toMatchObject({ state: 'failed', error: { code: 'share_not_configured' } });
      expect(files.hits('/late/a.png')).toBe(1);
      await until(async () => (await archiveKeys(job.id)).length === 0, 'the archive to be deleted', 10_000);
    } finally {
      await worker.close();
    }
  });
});
