import { format } from 'node:util';
import { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config.js';
import { createLogger } from '../logger.js';

/** Static credentials (the embedded stack's); the SDK's default provider chain is used when none are given. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** When temporary credentials stop working; a presigned URL is never made to outlive them. */
  expiration?: Date;
}

/**
 * The SDK's own messages go to the structured log. One is dropped: the SDK warns that it cannot retry a request
 * with a streamed body, and uploadPart (the one caller that streams) retries those itself.
 */
function sdkLogger(level: string) {
  const log = createLogger(level, { component: 'aws-sdk' });
  const message = (args: unknown[]) => format(...args);
  return {
    trace: () => undefined,
    debug: (...args: unknown[]) => log.debug(message(args)),
    info: (...args: unknown[]) => log.debug(message(args)),
    warn: (...args: unknown[]) => {
      const text = message(args);
      if (!text.startsWith('An error was encountered in a non-retryable streaming request')) log.warn(text);
    },
    error: (...args: unknown[]) => log.error(message(args)),
  };
}

/** S3 clients for workers (S3_ENDPOINT) and for signing client-facing URLs (S3_PUBLIC_ENDPOINT, if set). */
export function createS3Clients(
  config: Config,
  credentials?: AwsCredentials,
): { client: S3Client; presignClient: S3Client } {
  const logger = sdkLogger(config.LOG_LEVEL);
  const build = (endpoint: string | undefined) =>
    new S3Client({
      logger,
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
