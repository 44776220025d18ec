import { access, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Reads s3rver's on-disk layout directly, so a test can check what the store really holds independently of
 * the S3 API: an object `a/b/c.zip` is `<dir>/<bucket>/a/b/c.zip._S3rver_object`; a multipart upload is
 * `<dir>/<bucket>/._S3rver_uploads/<uploadId>/{key, 1, 1.md5, ...}` (`<n>.md5` is written once part n is stored).
 */
export function objectFilePath(s3Directory: string, bucket: string, key: string): string {
  return join(s3Directory, bucket, ...key.split('/')) + '._S3rver_object';
}

export async function objectFileExists(s3Directory: string, bucket: string, key: string): Promise<boolean> {
  return access(objectFilePath(s3Directory, bucket, key)).then(
    () => true,
    () => false,
  );
}

/** Parts fully stored so far by the multipart uploads whose key ends with `keySuffix`. */
export async function storedParts(s3Directory: string, bucket: string, keySuffix: string): Promise<number> {
  const uploadsDir = join(s3Directory, bucket, '._S3rver_uploads');
  const uploads = await readdir(uploadsDir).catch(() => [] as string[]);
  let parts = 0;
  for (const id of uploads) {
    const key = await readFile(join(uploadsDir, id, 'key'), 'utf8').catch(() => '');
    if (!key.endsWith(keySuffix)) continue;
    const files = await readdir(join(uploadsDir, id)).catch(() => [] as string[]);
    parts += files.filter((f) => /^\d+\.md5$/.test(f)).length;
  }
  return parts;
}
