import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { got } from 'got';
import type { PeerZip } from './recipe-zip.js';

/**
 * The first seed's design: every file downloaded into a temp folder (`concurrency` at once), then `zip -0` (or
 * `zip -6` when deflating) of the folder, then the zip file uploaded with lib-storage. Resolves to the
 * archive's size; the folder is removed.
 */
export async function seedZip(client: S3Client, o: PeerZip & { tempDir: string }): Promise<number> {
  const dir = await mkdtemp(join(o.tempDir, 'seed-'));
  const agent = new Agent({ keepAlive: true });
  const http = got.extend({ agent: { http: agent }, retry: { limit: 0 } });
  try {
    const files = join(dir, 'files');
    await mkdir(files);
    let next = 0;
    const lane = async () => {
      while (next < o.urls.length) {
        const i = next++;
        await pipeline(http.stream(o.urls[i]), createWriteStream(join(files, `file-${i}`)));
      }
    };
    await Promise.all(Array.from({ length: Math.min(o.concurrency, o.urls.length) }, lane));
    const zip = join(dir, 'archive.zip');
    await promisify(execFile)('zip', [o.store ? '-0' : '-6', '-q', '-r', zip, '.'], { cwd: files });
    const upload = new Upload({
      client,
      params: { Bucket: o.bucket, Key: o.key, Body: createReadStream(zip), ContentType: 'application/zip' },
      partSize: o.partSize,
      queueSize: o.queueSize,
      leavePartsOnError: false,
    });
    await upload.done();
    return (await stat(zip)).size;
  } finally {
    agent.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}
