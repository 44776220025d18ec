import { CreateMultipartUploadCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../fixtures/until.js';
import { createLogger } from '../../shared/logger.js';
import { UploadJanitor } from '../../worker/janitor/upload-janitor.js';
import { startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ workers: false });
});
afterAll(() => h?.close());

async function openUploads(): Promise<string[]> {
  const out = await h.clients.s3.send(new ListMultipartUploadsCommand({ Bucket: h.config.S3_BUCKET }));
  return (out.Uploads ?? []).map((u) => u.Key!).sort();
}

async function createUpload(key: string) {
  await h.clients.s3.send(new CreateMultipartUploadCommand({ Bucket: h.config.S3_BUCKET, Key: key }));
}

describe('upload janitor', () => {
  it('aborts the open multipart uploads under the zips and media prefixes that are older than the age', async () => {
    await createUpload('tenant-a/zips/zip_tenant-a_x/left.zip');
    await createUpload('tenant-b/media/ab/abcdef.png');
    await createUpload('not-ferry/other.bin');
    expect(await openUploads()).toHaveLength(3);
    const logger = createLogger('silent');

    // Younger than the age: a running job's upload is left alone.
    const young = new UploadJanitor({
      store: h.clients.store,
      keyPrefix: '',
      maxAgeMs: 3_600_000,
      intervalMs: 0,
      logger,
    });
    expect(await young.runOnce()).toBe(0);
    expect(await openUploads()).toHaveLength(3);

    const janitor = new UploadJanitor({ store: h.clients.store, keyPrefix: '', maxAgeMs: 0, intervalMs: 0, logger });
    expect(await janitor.runOnce()).toBe(2);
    expect(await openUploads()).toEqual(['not-ferry/other.bin']);
    const zips = await h.clients.s3.send(
      new ListMultipartUploadsCommand({ Bucket: h.config.S3_BUCKET, Prefix: 'tenant-a/zips/' }),
    );
    expect(zips.Uploads ?? []).toEqual([]);
    await janitor.stop();
  });

  it('runs in every worker at start', async () => {
    await createUpload('tenant-a/zips/zip_tenant-a_y/left.zip');
    const worker = h.startWorker({ S3_JANITOR_UPLOAD_MAX_AGE_SECONDS: '0' });
    try {
      await until(async () => (await openUploads()).length === 1, 'the worker to abort the stale upload', 10_000);
      expect(await openUploads()).toEqual(['not-ferry/other.bin']);
    } finally {
      await worker.close();
    }
  });
});
