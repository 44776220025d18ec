import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  NoSuchKey,
  NotFound,
  PutBucketLifecycleConfigurationCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import contentDisposition from 'content-disposition';
import { retry } from '../retry.js';
import type {
  ByteRange,
  CompleteMultipartParams,
  IncompleteUpload,
  LifecycleRules,
  ObjectStore,
  PresignedUrl,
  PresignGetParams,
  PutBufferParams,
  PutFileParams,
  StartMultipartParams,
  StoredObject,
  StoredPart,
  UploadPartParams,
  UploadStreamParams,
} from './object-store.js';
import { isConnectionError, isStorageOutage } from './storage-errors.js';

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

/** Tries of one part (the SDK's own default for requests it may retry), from 100 ms apart, doubling. */
const PART_ATTEMPTS = 3;
const PART_RETRY_DELAY_MS = 100;

const hexToBase64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
const unquote = (etag: string | undefined) => (etag ?? '').replace(/^"|"$/g, '');

export interface S3ObjectStoreOptions {
  /** Signs download URLs (S3_PUBLIC_ENDPOINT); defaults to the main client. */
  presignClient?: S3Client;
  /** Base of plain object URLs, ending in `/` (see `objectUrlBase`). */
  objectUrlBase: string;
}

/** `https://<bucket>.s3.<region>.amazonaws.com/`, or the endpoint's path-style or virtual-host form. */
export function objectUrlBase(
  bucket: string,
  region: string,
  endpoint: string | undefined,
  pathStyle: boolean,
): string {
  if (!endpoint)
    return pathStyle
      ? `https://s3.${region}.amazonaws.com/${bucket}/`
      : `https://${bucket}.s3.${region}.amazonaws.com/`;
  const url = new URL(endpoint);
  const base = url.href.replace(/\/$/, '');
  return pathStyle ? `${base}/${bucket}/` : `${url.protocol}//${bucket}.${url.host}${url.pathname.replace(/\/$/, '')}/`;
}

export class S3ObjectStore implements ObjectStore {
  private readonly presignClient: S3Client;
  private readonly urlBase: string;

  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
    options: S3ObjectStoreOptions,
  ) {
    this.presignClient = options.presignClient ?? client;
    this.urlBase = options.objectUrlBase;
  }

  async uploadStream({
    key,
    body,
    contentType,
    cacheControl,
    tags,
    partSize,
    queueSize = 4,
    signal,
  }: UploadStreamParams) {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: body, ContentType: contentType, CacheControl: cacheControl },
      tags: Object.entries(tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
      partSize,
      queueSize,
      leavePartsOnError: false,
    });
    // Not upload.abort(): that makes done() reject at once, before lib-storage has sent AbortMultipartUpload,
    // so the upload could outlive the job. A destroyed body fails the uploaders, which abort first, then reject.
    const onAbort = () => body.destroy(signal?.reason instanceof Error ? signal.reason : new Error('Upload aborted'));
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

  async putFile(p: PutFileParams) {
    if (p.size > p.multipartThreshold) {
      const out = await this.uploadStream({
        key: p.key,
        body: createReadStream(p.path),
        contentType: p.contentType,
        cacheControl: p.cacheControl,
        partSize: p.partSize,
      });
      return { etag: unquote(out.etag), multipart: true };
    }
    const out = await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: p.key,
        Body: createReadStream(p.path),
        ContentLength: p.size,
        ContentType: p.contentType,
        CacheControl: p.cacheControl,
        // S3 refuses the upload when the bytes it received do not match these.
        ContentMD5: hexToBase64(p.md5),
        ChecksumSHA256: hexToBase64(p.sha256),
      }),
    );
    return { etag: unquote(out.ETag), multipart: false };
  }

  async get(key: string, range?: ByteRange, signal?: AbortSignal): Promise<StoredObject | undefined> {
    let out;
    try {
      out = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
        { abortSignal: signal },
      );
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') return undefined;
      throw err;
    }
    const body = out.Body as Readable;
    if (signal) {
      const onAbort = () => body.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      body.once('close', () => signal.removeEventListener('abort', onAbort));
    }
    const contentLength = out.ContentLength ?? 0;
    // Content-Range: bytes 0-99/1234 carries the whole size when a range was asked for.
    const total = /\/(\d+)$/.exec(out.ContentRange ?? '')?.[1];
    return {
      body,
      size: total === undefined ? contentLength : Number(total),
      contentLength,
      contentType: out.ContentType,
    };
  }

  async putBuffer({ key, body, contentType, cacheControl }: PutBufferParams) {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentLength: body.length,
        ContentType: contentType,
        CacheControl: cacheControl,
      }),
    );
  }

  async startMultipart({ key, contentType }: StartMultipartParams) {
    const out = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: contentType }),
    );
    if (!out.UploadId) throw new Error(`CreateMultipartUpload for ${key} answered no UploadId`);
    return out.UploadId;
  }

  async uploadPart({ key, uploadId, partNumber, body, signal }: UploadPartParams) {
    // The SDK does not retry a request whose body is a stream, so the part is sent again from here, read afresh.
    const out = await retry(
      () =>
        this.client.send(
          new UploadPartCommand({
            Bucket: this.bucket,
            Key: key,
            UploadId: uploadId,
            PartNumber: partNumber,
            Body: body.stream(),
            ContentLength: body.size,
          }),
          { abortSignal: signal },
        ),
      (err) => isStorageOutage(err) || isConnectionError(err),
      { attempts: PART_ATTEMPTS, baseDelayMs: PART_RETRY_DELAY_MS, signal },
    );
    if (!out.ETag) throw new Error(`UploadPart ${partNumber} of ${key} answered no ETag`);
    return out.ETag;
  }

  async listParts(key: string, uploadId: string) {
    const parts: StoredPart[] = [];
    let marker: string | undefined;
    for (;;) {
      let out;
      try {
        out = await this.client.send(
          new ListPartsCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumberMarker: marker }),
        );
      } catch (err) {
        if ((err as { name?: string }).name === 'NoSuchUpload' || isNotImplemented(err)) return undefined;
        throw err;
      }
      for (const p of out.Parts ?? []) {
        if (p.PartNumber !== undefined && p.ETag)
          parts.push({ partNumber: p.PartNumber, etag: p.ETag, size: p.Size ?? 0 });
      }
      if (!out.IsTruncated || out.NextPartNumberMarker === undefined) return parts;
      marker = out.NextPartNumberMarker;
    }
  }

  async completeMultipart({ key, uploadId, parts, tags }: CompleteMultipartParams) {
    const out = await this.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
      }),
    );
    const tagSet = Object.entries(tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
    // Set afterwards, as lib-storage does: not every S3-compatible store honours x-amz-tagging on create.
    if (tagSet.length > 0) {
      await this.client.send(
        new PutObjectTaggingCommand({ Bucket: this.bucket, Key: key, Tagging: { TagSet: tagSet } }),
      );
    }
    return { etag: out.ETag };
  }

  objectUrl(key: string): string {
    return this.urlBase + key.split('/').map(encodeURIComponent).join('/');
  }

  async head(key: string) {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: out.ContentLength ?? 0, contentType: out.ContentType, etag: unquote(out.ETag) };
    } catch (err) {
      if (err instanceof NotFound || (err as { name?: string }).name === 'NotFound') return undefined;
      throw err;
    }
  }

  async delete(key: string) {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async presignGet({ key, expiresIn, downloadFilename }: PresignGetParams): Promise<PresignedUrl | undefined> {
    // Temporary credentials (instance or task roles, SSO) carry an expiration, and a URL they sign stops working
    // then, whatever its X-Amz-Expires says. The signing date is fixed so that the cap computed here holds.
    const signingDate = new Date(Math.floor(Date.now() / 1000) * 1000);
    const { expiration } = await this.presignClient.config.credentials();
    const allowed = expiration
      ? Math.min(expiresIn, Math.floor((expiration.getTime() - signingDate.getTime()) / 1000))
      : expiresIn;
    if (allowed < 1) return undefined;
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentDisposition: attachmentDisposition(downloadFilename),
    });
    const url = await getSignedUrl(this.presignClient, command, { expiresIn: allowed, signingDate });
    return { url, expiresIn: allowed, expiresAt: new Date(signingDate.getTime() + allowed * 1000) };
  }

  async *listIncompleteUploads(prefix: string): AsyncIterable<IncompleteUpload> {
    let markers: { KeyMarker?: string; UploadIdMarker?: string } = {};
    for (;;) {
      let out;
      try {
        out = await this.client.send(
          new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: prefix || undefined, ...markers }),
        );
      } catch (err) {
        if (isNotImplemented(err)) return;
        throw err;
      }
      for (const u of out.Uploads ?? []) {
        if (u.Key && u.UploadId) yield { key: u.Key, uploadId: u.UploadId, initiated: u.Initiated };
      }
      if (!out.IsTruncated || (!out.NextKeyMarker && !out.NextUploadIdMarker)) return;
      markers = { KeyMarker: out.NextKeyMarker, UploadIdMarker: out.NextUploadIdMarker };
    }
  }

  async abortUpload({ key, uploadId }: IncompleteUpload) {
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }));
    } catch (err) {
      // Finished or aborted meanwhile (by its worker or another janitor).
      if ((err as { name?: string }).name !== 'NoSuchUpload') throw err;
    }
  }

  async abortIncompleteUploads(key: string, keep?: string) {
    let uploads;
    try {
      const out = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: key }));
      uploads = (out.Uploads ?? []).filter((u) => u.Key === key && u.UploadId !== keep);
    } catch (err) {
      if (isNotImplemented(err)) return 0;
      throw err;
    }
    for (const u of uploads) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: u.UploadId }));
    }
    return uploads.length;
  }

  async applyLifecycle(r: LifecycleRules) {
    const prefix = r.prefix === '' ? '' : `${r.prefix}/`;
    try {
      await this.client.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: this.bucket,
          LifecycleConfiguration: {
            Rules: [
              {
                ID: 'ferry-expire-zips',
                Status: 'Enabled',
                Filter: { And: { Prefix: prefix, Tags: [{ Key: r.expireTag.key, Value: r.expireTag.value }] } },
                Expiration: { Days: r.expireDays },
              },
              {
                ID: 'ferry-abort-incomplete-uploads',
                Status: 'Enabled',
                Filter: { Prefix: prefix },
                AbortIncompleteMultipartUpload: { DaysAfterInitiation: r.abortUploadsAfterDays },
              },
            ],
          },
        }),
      );
      return true;
    } catch (err) {
      if (isNotImplemented(err)) return false;
      throw err;
    }
  }

  async ping() {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }
}
