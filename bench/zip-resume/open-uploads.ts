import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** A multipart upload s3rver holds open, with the parts it has received in full. */
export interface OpenUpload {
  uploadId: string;
  key: string;
  parts: number;
  bytes: number;
}

/**
 * s3rver's filesystem store (3.7) keeps each open multipart upload in `<dir>/<bucket>/._S3rver_uploads/<uploadId>/`:
 * a `key` file, and each part as `<n>` with `<n>.md5` written once the part is complete. Reading that folder
 * costs the server nothing, unlike asking it (ListParts is not implemented).
 */
function uploadsDir(s3Directory: string, bucket: string): string {
  return join(s3Directory, bucket, '._S3rver_uploads');
}

async function readKey(dir: string): Promise<string | undefined> {
  return readFile(join(dir, 'key'), 'utf8').catch(() => undefined);
}

/** The ids of the uploads open now (whatever their key). */
export async function openUploadIds(s3Directory: string, bucket: string): Promise<string[]> {
  return readdir(uploadsDir(s3Directory, bucket)).catch(() => []);
}

/** The key an open upload is for; undefined once it is completed or aborted. */
export async function uploadKey(s3Directory: string, bucket: string, uploadId: string): Promise<string | undefined> {
  return readKey(join(uploadsDir(s3Directory, bucket), uploadId));
}

/** The uploads open now whose key passes `forKey`, with their complete parts counted. */
export async function openUploads(
  s3Directory: string,
  bucket: string,
  forKey: (key: string) => boolean,
): Promise<OpenUpload[]> {
  const root = uploadsDir(s3Directory, bucket);
  const out: OpenUpload[] = [];
  for (const uploadId of await openUploadIds(s3Directory, bucket)) {
    const dir = join(root, uploadId);
    const key = await readKey(dir);
    if (key === undefined || !forKey(key)) continue;
    const names = await readdir(dir).catch(() => []);
    let parts = 0;
    let bytes = 0;
    for (const name of names) {
      const m = /^(\d+)\.md5$/.exec(name);
      if (!m) continue;
      const size = await stat(join(dir, m[1]!)).then(
        (st) => st.size,
        () => undefined,
      );
      if (size === undefined) continue;
      parts++;
      bytes += size;
    }
    out.push({ uploadId, key, parts, bytes });
  }
  return out;
}
