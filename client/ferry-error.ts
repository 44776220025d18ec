import type { ErrorCode } from '../shared/errors/codes.js';

/**
 * Every failure the client reports. `status` is the HTTP status (0 when no answer came: network, timeout);
 * `code` the API's machine-readable code (`invalid_request`, `not_found`, `rate_limited`...), or one of ferry's
 * own codes for a failure on the way (`network_error`, `timeout`, `http_error` for an answer that is not
 * ferry's error body); `details` the API's details (on 400, one entry per offending field).
 */
export class FerryError extends Error {
  override readonly name = 'FerryError';
  readonly status: number;
  readonly code: ErrorCode | (string & {});
  readonly details: unknown;

  constructor(status: number, code: ErrorCode | (string & {}), message: string, details?: unknown, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** The FerryError of a non-2xx answer: its `{"error": {code, message, details}}` body when it has one. */
export async function errorFromResponse(res: Response): Promise<FerryError> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    const e = body.error;
    if (e && typeof e.code === 'string') {
      return new FerryError(res.status, e.code, typeof e.message === 'string' ? e.message : e.code, e.details);
    }
  } catch {
    /* not JSON: a proxy's page, say */
  }
  return new FerryError(res.status, 'http_error', `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`);
}
