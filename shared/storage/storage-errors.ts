/** AWS error names that mean "slow down", whatever the service: retried like an outage. */
const THROTTLING = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestThrottled',
]);

interface SdkError {
  name?: string;
  $metadata: { httpStatusCode?: number; attempts?: number };
}

function isSdkError(err: unknown): err is SdkError {
  return typeof err === 'object' && err !== null && typeof (err as SdkError).$metadata === 'object';
}

/**
 * Whether an AWS SDK error (S3, DynamoDB) means the store is away or overloaded rather than refusing the
 * request: no answer at all (connection refused or reset, timeout), a 5xx, or throttling. The SDK has already
 * retried it by then (`$metadata.attempts`).
 */
export function isStorageOutage(err: unknown): boolean {
  if (!isSdkError(err)) return false;
  const status = err.$metadata.httpStatusCode;
  return status === undefined || status >= 500 || THROTTLING.has(err.name ?? '');
}

/** How many times the SDK tried before it gave up, when it says. */
export function sdkAttempts(err: unknown): number | undefined {
  return isSdkError(err) ? err.$metadata.attempts : undefined;
}

/** Codes of a connection that broke or never came up: no answer at all. */
const CONNECTION_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * Whether the request got no answer because its connection broke (the store hung up, a keep-alive socket it
 * had just closed, a timeout). The SDK marks such errors with `$metadata` only when it may retry the request
 * itself, which it never does for a streamed body: then they arrive bare.
 */
export function isConnectionError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, name } = err as { code?: unknown; name?: unknown };
  return (typeof code === 'string' && CONNECTION_CODES.has(code)) || name === 'TimeoutError';
}
