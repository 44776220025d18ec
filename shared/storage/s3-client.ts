import { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config.js';

/** Static credentials (the embedded stack's); the SDK's default provider chain is used when none are given. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** When temporary credentials stop working; a presigned URL is never made to outlive them. */
  expiration?: Date;
}

/** S3 clients for workers (S3_ENDPOINT) and for signing client-facing URLs (S3_PUBLIC_ENDPOINT, if set). */
export function createS3Clients(
  config: Config,
  credentials?: AwsCredentials,
): { client: S3Client; presignClient: S3Client } {
  const build = (endpoint: string | undefined) =>
    new S3Client({
      region: config.S3_REGION,
      endpoint,
      credentials,
      forcePathStyle: config.S3_FORCE_PATH_STYLE,
      requestChecksumCalculation: config.S3_CHECKSUMS === 'when_required' ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED',
      responseChecksumValidation: config.S3_CHECKSUMS === 'when_required' ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED',
    });
  const client = build(config.S3_ENDPOINT);
  const presignClient = config.S3_PUBLIC_ENDPOINT ? build(config.S3_PUBLIC_ENDPOINT) : client;
  return { client, presignClient };
}
