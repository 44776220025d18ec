/**
 * Whether a job that fails with a code is tried again: `never` (another attempt cannot help), `yes` (attempts and
 * backoff apply) or `per_error` (the error says: a FetchError's `permanent`, e.g. 5xx yes, 4xx no).
 */
export type Retry = 'never' | 'yes' | 'per_error';

export interface ErrorCodeInfo {
  /** The HTTP status when the API answers with this code; absent for codes that only appear inside a job. */
  status?: number;
  retry: Retry;
  description: string;
}

/**
 * THE list of error codes ferry gives clients: in error bodies, a job's `error`, a failed URL's entry and webhook
 * verification. A code not listed here does not compile.
 */
export const ERROR_CODES = {
  // The API's answers.
  invalid_request: { status: 400, retry: 'never', description: 'The request is invalid: `details` names every field.' },
  invalid_json: { status: 400, retry: 'never', description: 'The body is not valid JSON.' },
  unauthorized: { status: 401, retry: 'never', description: 'No valid API key.' },
  not_found: {
    status: 404,
    retry: 'never',
    description: 'Not found, or not this tenant’s (a URL answered 404 or 410).',
  },
  job_finished: { status: 409, retry: 'never', description: 'The job has already finished.' },
  payload_too_large: { status: 413, retry: 'never', description: 'The body is larger than the configured limit.' },
  unsupported_encoding: {
    status: 415,
    retry: 'never',
    description: 'The body’s Content-Encoding or charset is not supported.',
  },
  idempotency_key_reused: {
    status: 422,
    retry: 'never',
    description: 'The Idempotency-Key was used with another body.',
  },
  rate_limited: { status: 429, retry: 'never', description: 'The tenant’s jobs per minute are used up.' },
  webhook_not_configured: { status: 400, retry: 'never', description: 'The tenant has no webhookSecret to sign with.' },
  share_not_configured: {
    status: 400,
    retry: 'never',
    description: '`share` or `notify` was asked for, but PUBLIC_URL (where people reach the share page) is not set.',
  },
  mail_not_configured: {
    status: 400,
    retry: 'never',
    description: '`notify` was asked for, but SMTP_URL (where email goes out) is not set.',
  },
  archive_not_ready: { status: 409, retry: 'never', description: 'The job has not made an archive (not completed).' },
  media_not_configured: {
    status: 400,
    retry: 'never',
    description: 'The tenant has no mediaSecret to sign with (or no watermark, when one is asked for).',
  },
  bad_signature: { status: 403, retry: 'never', description: 'The variant URL’s signature does not match its path.' },
  not_an_image: { status: 415, retry: 'never', description: 'The media is not an image ferry can render.' },
  image_too_large: {
    status: 422,
    retry: 'never',
    description: 'The image has more pixels or bytes than the media limits allow, or the variant would.',
  },
  media_busy: {
    status: 503,
    retry: 'yes',
    description: 'Every render slot is taken: retry after `Retry-After` seconds.',
  },
  render_timeout: { status: 503, retry: 'yes', description: 'Rendering the variant took too long.' },
  internal_error: { status: 500, retry: 'yes', description: 'Something failed inside ferry; it is logged.' },
  unavailable: {
    status: 503,
    retry: 'yes',
    description: 'Redis does not answer: nothing was created; retry after `Retry-After` seconds.',
  },
  invalid_config: { retry: 'never', description: 'The configuration cannot be used (start-up only).' },

  // A job's own failures.
  invalid_job: { retry: 'never', description: 'The queued payload does not match its contract.' },
  cancelled: { retry: 'never', description: 'Cancelled by the client.' },
  no_files: { retry: 'never', description: 'None of the job’s URLs could be fetched.' },
  worker_lost: {
    retry: 'never',
    description: 'The job’s worker died (SIGKILL, OOM, a lock not renewed) more often than WORKER_MAX_STALLED_COUNT.',
  },

  // One URL's failures (a job's `failures`, an ingest item's `error`, or the job's error with onError=fail).
  http_error: {
    retry: 'per_error',
    description: 'The server answered an error status (5xx, 408 and 429 are retried).',
  },
  type_not_allowed: { retry: 'never', description: 'The file’s sniffed type is not in the tenant’s allowedTypes.' },
  file_too_large: { retry: 'never', description: 'The file is larger than maxFileBytes.' },
  job_too_large: { retry: 'never', description: 'The job’s downloads exceed maxJobBytes.' },
  blocked_address: { retry: 'never', description: 'The address is refused by the SSRF guard.' },
  timeout: { retry: 'yes', description: 'The download timed out.' },
  too_many_redirects: { retry: 'never', description: 'More redirects than FETCH_MAX_REDIRECTS.' },
  network_error: { retry: 'yes', description: 'The connection failed or was reset.' },
  checksum_mismatch: { retry: 'never', description: 'S3 stored other bytes than were downloaded.' },
  storage_unavailable: {
    retry: 'yes',
    description: 'S3 or DynamoDB did not answer, answered 5xx or throttled, after the SDK’s own retries.',
  },

  // Webhook deliveries.
  webhook_unreachable: { retry: 'yes', description: 'The receiver could not be reached.' },
  webhook_http_error: { retry: 'yes', description: 'The receiver answered a non-2xx status.' },
  webhook_gone: { retry: 'never', description: 'The receiver answered 410 Gone.' },
  job_gone: { retry: 'never', description: 'The job a delivery is about no longer exists.' },
  job_not_finished: { retry: 'yes', description: 'The job a delivery is about has not finished yet.' },

  // Share emails.
  mail_rejected: { retry: 'never', description: 'The SMTP server refused the message for good (a 5xx answer).' },
  mail_deferred: { retry: 'yes', description: 'The SMTP server deferred the message (a 4xx answer).' },
  archive_withdrawn: { retry: 'never', description: 'The archive was withdrawn before the email went out.' },
  mail_unreachable: { retry: 'yes', description: 'The SMTP server could not be reached or dropped the connection.' },

  // verifyWebhook's verdicts, for receivers (answer them with a 4xx).
  missing_headers: { retry: 'never', description: 'A Standard Webhooks header is missing.' },
  invalid_timestamp: { retry: 'never', description: '`webhook-timestamp` is not integer seconds.' },
  timestamp_out_of_range: { retry: 'never', description: '`webhook-timestamp` is outside the tolerance.' },
  invalid_signature: { retry: 'never', description: 'No signature matches any of the secrets.' },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** True for a string that is one of {@link ERROR_CODES}. */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

/** The HTTP status of a code the API answers with (500 for job-only codes). */
export function statusOf(code: ErrorCode): number {
  const info: ErrorCodeInfo = ERROR_CODES[code];
  return info.status ?? 500;
}
