import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { solidPng } from '../../local/sample-files.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { startS3Proxy, type S3Proxy } from '../helpers/s3-proxy.js';

let h: Harness;
let files: FileServer;
let proxy: S3Proxy;
beforeAll(async () => {
  [h, files] = await Promise.all([startHarness({ workers: false }), startFileServer()]);
  // The worker reaches S3 through a proxy that alters media uploads in flight. s3rver does not check
  // Content-MD5 (AWS would refuse the PUT), so it stores the altered bytes: the ETag check must catch it.
  proxy = await startS3Proxy(h.stack.s3Endpoint, { corruptPuts: /\/media\// });
  h.startWorker({ S3_ENDPOINT: proxy.endpoint });
});
afterAll(async () => {
  await Promise.all([h?.close(), files?.close(), proxy?.close()]);
});

describe('ingest checksum verification', () => {
  it('fails the item with checksum_mismatch when the stored ETag is not the MD5, and removes the object', async () => {
    files.file('/c/a.png', solidPng(30, 30, [1, 2, 3]), 'image/png');
    const res = await h.request('POST', '/v1/ingests', { body: { urls: [files.url('/c/a.png')] } });
    const job = await h.waitForJob(res.body.id);
    expect(job.state).toBe('completed');
    const [item] = job.result.items;
    expect(item.status).toBe('failed');
    expect(item.error.code).toBe('checksum_mismatch');
    expect(proxy.corrupted()).toBe(1);
    // The bad object was removed (looked up by the content address the bytes should have had).
    const listed = await h.clients.s3.send(
      new ListObjectsV2Command({ Bucket: h.config.S3_BUCKET, Prefix: 'tenant-a/media/' }),
    );
    expect(listed.Contents ?? []).toEqual([]);
    const media = await h.request('GET', `/v1/media?url=${encodeURIComponent(files.url('/c/a.png'))}`);
    expect(media.status).toBe(404);
  });
});
