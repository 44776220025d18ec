import type { Config } from '../config.js';

/** What was being reached when the error came: the bucket or the media table. */
export type StorageTarget = 'bucket' | 'table';

interface SdkLikeError {
  name?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

const CREDENTIALS_FIX =
  'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE naming a profile in ~/.aws/credentials ' +
  '(AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE to use other files), or run where an instance or task role ' +
  'applies; against `npm run stack` or `npm run dev`, the embedded servers take AWS_ACCESS_KEY_ID=S3RVER and ' +
  'AWS_SECRET_ACCESS_KEY=S3RVER';

const REFUSED = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'UnrecognizedClientException', 'AccessDenied']);

function asSdkError(err: unknown): SdkLikeError {
  return typeof err === 'object' && err !== null ? err : { message: String(err) };
}

/** The bucket is not there: S3's NoSuchBucket, or a 404 to HeadBucket (which has no body, hence `UnknownError`). */
export function isMissingBucket(err: unknown): boolean {
  const e = asSdkError(err);
  const name = e.name ?? e.Code ?? '';
  return name === 'NoSuchBucket' || name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}

/** Where the target lives, as a newcomer would look it up: the endpoint, or the AWS region. */
export function storageEndpoint(config: Config, target: StorageTarget): string {
  if (target === 'bucket') return config.S3_ENDPOINT ?? `AWS S3 in ${config.S3_REGION}`;
  return config.DYNAMODB_ENDPOINT ?? `AWS DynamoDB in ${config.S3_REGION}`;
}

/**
 * One sentence naming the cause and the fix of an AWS SDK error met reaching the bucket or the table (the SDK's
 * own messages, "Could not load credentials from any providers" or a bare `UnknownError` for a 404 HEAD, name
 * neither).
 */
export function explainStorageError(err: unknown, config: Config, target: StorageTarget): string {
  const e = asSdkError(err);
  const name = e.name ?? e.Code ?? '';
  const status = e.$metadata?.httpStatusCode;
  const where = storageEndpoint(config, target);
  const what = target === 'bucket' ? `bucket ${config.S3_BUCKET}` : `table ${config.DYNAMODB_TABLE}`;
  if (name === 'CredentialsProviderError' || /Could not load credentials/.test(e.message ?? '')) {
    return `no AWS credentials found for ${where}: ${CREDENTIALS_FIX}`;
  }
  if (target === 'bucket' && isMissingBucket(err)) {
    return `bucket ${config.S3_BUCKET} does not exist at ${where}; create it or run \`ferry setup --create-bucket\``;
  }
  if (target === 'table' && name === 'ResourceNotFoundException') {
    return `table ${config.DYNAMODB_TABLE} does not exist at ${where}; \`ferry setup\` (npm run setup) creates it`;
  }
  if (REFUSED.has(name) || status === 403) {
    return `${where} refused the credentials for the ${what} (${name || status}): check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY or AWS_PROFILE, and that they may use the ${what}`;
  }
  if (status === undefined && name !== 'UnknownError') {
    return `could not reach ${where} for the ${what} (${name || 'error'}: ${e.message ?? ''}): check ${target === 'bucket' ? 'S3_ENDPOINT' : 'DYNAMODB_ENDPOINT'} and that the server runs`;
  }
  return `the ${what} at ${where} failed: ${name || 'error'}${e.message ? `: ${e.message}` : ''}${status ? ` (HTTP ${status})` : ''}`;
}
