import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  NotFound,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import contentDisposition from 'content-disposition';
import type { ObjectStore, PresignGetParams, UploadStreamParams } from './object-store.js';

/** Stores that lack an operation answer 405/501; those are treated as "nothing to list". */
function isNotImplemented(err: unknown): boolean {
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 501 || status === 405;
}

/**
 * RFC 6266 `attachment` with an ASCII `filename` for old clients and `filename*=UTF-8''...` whenever the name is
 * not plain ASCII (content-disposition would otherwise send Latin-1 names in `filename` alone).
 */
export function attachmentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_');
  return contentDisposition(filename, { type: 'attachment', fallback: ascii });
}

export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
    private readonly presignClient: S3Client = client,
  ) {}

  async uploadStream({ key, body, contentType, partSize, queueSize = 4, signal }: UploadStreamParams) {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: body, ContentType: contentType },
      partSize,
      queueSize,
      leavePartsOnError: false,
    });
    const onAbort = () => void upload.abort().catch(() => undefined);
    signal?.addEventListener('abort', onAbort, { once: true });
    // lib-storage's own abort can fail on some stores and then replaces the real error: keep the body's.
    let bodyError: unknown;
    const onBodyError = (err: unknown) => (bodyError ??= err);
    body.once('error', onBodyError);
    try {
      const out = await upload.done();
      return { etag: out.ETag };
    } catch (err) {
      throw bodyError ?? err;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      body.off('error', onBodyError);
    }
  }

  async head(key: string) {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: out.ContentLength ?? 0, contentType: out.ContentType };
    } catch (err) {
      if (err instanceof NotFound || (err as { name?: string }).name === 'NotFound') return undefined;
      throw err;
    }
  }

  async delete(key: string) {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  presignGet({ key, expiresIn, downloadFilename }: PresignGetParams) {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentDisposition: attachmentDisposition(downloadFilename),
    });
    return getSignedUrl(this.presignClient, command, { expiresIn });
  }

  async abortIncompleteUploads(key: string) {
    let uploads;
    try {
      const out = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: key }));
      uploads = (out.Uploads ?? []).filter((u) => u.Key === key);
    } catch (err) {
      if (isNotImplemented(err)) return 0;
      throw err;
    }
    for (const u of uploads) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: u.UploadId }));
    }
    return uploads.length;
  }

  async ping() {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }
}
