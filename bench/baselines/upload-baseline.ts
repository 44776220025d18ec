import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { PatternStream } from '../synthetic/synthetic-files.js';

export interface GeneratedUpload {
  bucket: string;
  key: string;
  bytes: number;
  partSize: number;
  queueSize: number;
}

/**
 * Uploads `bytes` generated on the fly as one lib-storage multipart upload, configured as the zip job's
 * (S3ObjectStore.uploadStream): what uploading alone costs, with no download or archive in front of it.
 */
export async function uploadGenerated(client: S3Client, o: GeneratedUpload): Promise<number> {
  const upload = new Upload({
    client,
    params: { Bucket: o.bucket, Key: o.key, Body: new PatternStream(o.bytes), ContentType: 'application/octet-stream' },
    partSize: o.partSize,
    queueSize: o.queueSize,
    leavePartsOnError: false,
  });
  await upload.done();
  return o.bytes;
}
