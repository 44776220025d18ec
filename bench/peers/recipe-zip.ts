import { Agent } from 'node:http';
import { PassThrough } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ZipArchive } from 'archiver';
import { got } from 'got';

export interface PeerZip {
  bucket: string;
  key: string;
  urls: readonly string[];
  /** Downloads open at once. */
  concurrency: number;
  store: boolean;
  partSize: number;
  queueSize: number;
}

/**
 * The zip a user would write in 40 lines from the blog posts: got streams appended to archiver (`concurrency`
 * open at once, the next appended as each entry is written), archiver piped into a lib-storage Upload. No temp
 * files, no hashing, no limits, no SSRF guard: the peer ferry should beat.
 */
export async function recipeZip(client: S3Client, o: PeerZip): Promise<number> {
  const agent = new Agent({ keepAlive: true });
  const http = got.extend({ agent: { http: agent }, retry: { limit: 0 } });
  const archive = new ZipArchive({ store: o.store, zlib: { level: 6 } });
  const body = new PassThrough();
  archive.pipe(body);
  const upload = new Upload({
    client,
    params: { Bucket: o.bucket, Key: o.key, Body: body, ContentType: 'application/zip' },
    partSize: o.partSize,
    queueSize: o.queueSize,
    leavePartsOnError: false,
  });
  // lib-storage reads the body only once done() is called: before that the archive would back up.
  const uploaded = upload.done();
  uploaded.catch(() => undefined);
  let next = 0;
  let written = 0;
  const appendNext = () => {
    const i = next++;
    archive.append(http.stream(o.urls[i]), { name: `file-${i}` });
  };
  const finished = new Promise<void>((resolve, reject) => {
    archive.on('error', reject);
    archive.on('entry', () => {
      written++;
      if (next < o.urls.length) appendNext();
      else if (written === o.urls.length) resolve();
    });
  });
  try {
    for (let i = 0; i < Math.min(o.concurrency, o.urls.length); i++) appendNext();
    await finished;
    void archive.finalize();
    await uploaded;
    return archive.pointer();
  } finally {
    agent.destroy();
  }
}
