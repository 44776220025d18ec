import type { Readable } from 'node:stream';

export interface UploadStreamParams {
  key: string;
  body: Readable;
  contentType: string;
  /** Multipart part size in bytes; chosen by the caller so that 10,000 parts hold the largest possible object. */
  partSize: number;
  /** Parts in flight at once (each holds `partSize` bytes of memory). */
  queueSize?: number;
  signal?: AbortSignal;
}

export interface PresignGetParams {
  key: string;
  expiresIn: number;
  /** Name the browser saves the file as (Content-Disposition: attachment). */
  downloadFilename: string;
}

/** The object storage port. Business rules use this; only the adapter knows the AWS SDK. */
export interface ObjectStore {
  readonly bucket: string;
  /** Streams `body` into the bucket as a multipart upload; rejects (and aborts the upload) when `body` errors. */
  uploadStream(params: UploadStreamParams): Promise<{ etag?: string }>;
  head(key: string): Promise<{ size: number; contentType?: string } | undefined>;
  delete(key: string): Promise<void>;
  presignGet(params: PresignGetParams): Promise<string>;
  /** Aborts multipart uploads left open under `key` (a worker killed mid-upload); 0 when the store cannot list them. */
  abortIncompleteUploads(key: string): Promise<number>;
  /** Throws when the bucket cannot be reached. */
  ping(): Promise<void>;
}
