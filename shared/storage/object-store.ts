import type { Readable } from 'node:stream';

export interface UploadStreamParams {
  key: string;
  body: Readable;
  contentType: string;
  cacheControl?: string;
  /** Object tags (a lifecycle rule can expire objects by tag). */
  tags?: Record<string, string>;
  /** Multipart part size in bytes; chosen by the caller so that 10,000 parts hold the largest possible object. */
  partSize: number;
  /** Parts in flight at once (each holds `partSize` bytes of memory). */
  queueSize?: number;
  signal?: AbortSignal;
}

export interface PutFileParams {
  key: string;
  /** A local file; streamed, never read whole into memory. */
  path: string;
  size: number;
  contentType: string;
  cacheControl?: string;
  /** Hex digests computed while downloading: sent so that the store verifies what it received. */
  sha256: string;
  md5: string;
  /** Files larger than this go up as a multipart upload (whose ETag is not the MD5) in parts of `partSize`. */
  multipartThreshold: number;
  partSize: number;
}

export interface LifecycleRules {
  /** Key prefix every rule applies under ('' = the whole bucket). */
  prefix: string;
  /** Objects tagged with this expire after `expireDays`. */
  expireTag: { key: string; value: string };
  expireDays: number;
  /** Unfinished multipart uploads are aborted after this many days. */
  abortUploadsAfterDays: number;
}

/** A presigned URL and how long it really works. */
export interface PresignedUrl {
  url: string;
  /** Seconds it is valid: `expiresIn` as asked, or fewer when the signing credentials expire sooner. */
  expiresIn: number;
  /** When it stops working. */
  expiresAt: Date;
}

export interface PresignGetParams {
  key: string;
  expiresIn: number;
  /** Name the browser saves the file as (Content-Disposition: attachment). */
  downloadFilename: string;
}

/** An object being read: its body streams, the rest is from the response's headers. */
export interface StoredObject {
  body: Readable;
  /** The whole object's size, whatever range was asked for. */
  size: number;
  /** Bytes in `body`: `size`, or the range's length. */
  contentLength: number;
  contentType?: string;
}

/** Bytes `start` to `end`, both inclusive (HTTP's Range). */
export interface ByteRange {
  start: number;
  end: number;
}

export interface PutBufferParams {
  key: string;
  body: Buffer;
  contentType: string;
  cacheControl?: string;
}

export interface StartMultipartParams {
  key: string;
  contentType: string;
}

/** Bytes that can be read more than once (an upload that fails is sent again). */
export interface PartSource {
  size: number;
  stream(): Readable;
}

export interface UploadPartParams {
  key: string;
  uploadId: string;
  /** 1 to 10,000. */
  partNumber: number;
  /** The part's bytes: `stream()` reads them afresh for each attempt. */
  body: PartSource;
  signal?: AbortSignal;
}

export interface CompleteMultipartParams {
  key: string;
  uploadId: string;
  /** Every part, in order, with the ETag its upload answered. */
  parts: { partNumber: number; etag: string }[];
  /** Object tags, applied once the object exists. */
  tags?: Record<string, string>;
}

/** A part already in a multipart upload (ListParts). */
export interface StoredPart {
  partNumber: number;
  etag: string;
  size: number;
}

/** A multipart upload that was started and neither completed nor aborted. */
export interface IncompleteUpload {
  key: string;
  uploadId: string;
  initiated?: Date;
}

/** The object storage port. Business rules use this; only the adapter knows the AWS SDK. */
export interface ObjectStore {
  readonly bucket: string;
  /** Streams `body` into the bucket as a multipart upload; rejects (and aborts the upload) when `body` errors. */
  uploadStream(params: UploadStreamParams): Promise<{ etag?: string }>;
  /** Uploads a local file with its checksums; `multipart` tells whether the ETag can be compared to the MD5. */
  putFile(params: PutFileParams): Promise<{ etag: string; multipart: boolean }>;
  /** Starts a multipart upload; resolves to its upload id. */
  startMultipart(params: StartMultipartParams): Promise<string>;
  /** Uploads one part of a multipart upload; resolves to its ETag. */
  uploadPart(params: UploadPartParams): Promise<string>;
  /**
   * The parts a multipart upload holds so far, in part-number order (every page); undefined when the upload is
   * gone (completed, aborted) or the store cannot list parts.
   */
  listParts(key: string, uploadId: string): Promise<StoredPart[] | undefined>;
  /** Completes a multipart upload (then tags the object). */
  completeMultipart(params: CompleteMultipartParams): Promise<{ etag?: string }>;
  head(key: string): Promise<{ size: number; contentType?: string; etag?: string } | undefined>;
  /** Streams the object, or one range of it; undefined when there is no such object. `signal` aborts both. */
  get(key: string, range?: ByteRange, signal?: AbortSignal): Promise<StoredObject | undefined>;
  /** Stores a small object held in memory (a rendered variant). */
  putBuffer(params: PutBufferParams): Promise<void>;
  /** The object's plain (unsigned) URL. */
  objectUrl(key: string): string;
  delete(key: string): Promise<void>;
  /**
   * A presigned GET, never valid past the credentials that sign it; undefined when they expire within a second
   * (a link that would not work).
   */
  presignGet(params: PresignGetParams): Promise<PresignedUrl | undefined>;
  /**
   * Multipart uploads open under `prefix` ('' = the whole bucket), page by page; none when the store cannot
   * list them.
   */
  listIncompleteUploads(prefix: string): AsyncIterable<IncompleteUpload>;
  /** Aborts one multipart upload (nothing happens when it is already gone). */
  abortUpload(upload: IncompleteUpload): Promise<void>;
  /**
   * Aborts multipart uploads left open under `key` (a worker killed mid-upload), but the one `keep` names (a
   * resumed upload); 0 when the store cannot list them.
   */
  abortIncompleteUploads(key: string, keep?: string): Promise<number>;
  /** Applies the bucket lifecycle rules ferry needs; false when the store does not support lifecycle rules. */
  applyLifecycle(rules: LifecycleRules): Promise<boolean>;
  /** Throws when the bucket cannot be reached. */
  ping(): Promise<void>;
}
