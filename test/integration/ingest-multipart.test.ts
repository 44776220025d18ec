import { createHash, randomBytes } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { solidPng } from '../../local/sample-files.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const MiB = 1024 * 1024;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let h: Harness;
let files: FileServer;
beforeAll(async () => {
  [h, files] = await Promise.all([
    startHarness({ env: { INGEST_MULTIPART_THRESHOLD_BYTES: String(5 * MiB) } }),
    startFileServer(),
  ]);
});
afterAll(async () => {
  await Promise.all([h?.close(), files?.close()]);
});

describe('ingest of a large file', () => {
  it('goes up as a multipart upload and is stored byte for byte', async () => {
    const big = Buffer.concat([solidPng(4, 4, [5, 6, 7]), randomBytes(12 * MiB)]);
    files.file('/big.png', big, 'image/png');
    const res = await h.request('POST', '/v1/ingests', { body: { urls: [files.url('/big.png')] } });
    const job = await h.waitForJob(res.body.id);
    expect(job.state, JSON.stringify(job.error)).toBe('completed');
    const [item] = job.result.items;
    expect(item).toMatchObject({ status: 'stored', size: big.length, sha256: sha256(big), contentType: 'image/png' });
    const head = await h.clients.s3.send(new HeadObjectCommand({ Bucket: h.config.S3_BUCKET, Key: item.key }));
    // The item reports the ETag the store gave (`<hash>-<parts>` for a multipart object, from AWS and s3rver alike).
    expect(head.ETag).toBe(`"${item.etag}"`);
    expect(head.CacheControl).toBe('public, max-age=31536000, immutable');
    const obj = await h.clients.s3.send(new GetObjectCommand({ Bucket: h.config.S3_BUCKET, Key: item.key }));
    expect(sha256(Buffer.from(await obj.Body!.transformToByteArray()))).toBe(sha256(big));
  });
});
