import { statusOf, type ErrorCode } from './codes.js';

/** Fields every error body carries: `{"error": {"code", "message", "details?"}}`. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export interface AppErrorOptions {
  /** Defaults to the code's status in ERROR_CODES. */
  status?: number;
  details?: unknown;
  cause?: unknown;
}

/** Base of every error the service raises on purpose: a stable `code`, an HTTP status and the original as `cause`. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = options.status ?? statusOf(code);
    this.details = options.details;
  }

  toBody(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** A 400 whose details name the offending fields. */
export class ValidationError extends AppError {
  constructor(message: string, details?: unknown, code: ErrorCode = 'invalid_request') {
    super(code, message, { status: 400, details });
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'A valid API key is required: Authorization: Bearer <key>') {
    super('unauthorized', message);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Not found') {
    super('not_found', message);
  }
}

/** Start-up configuration that cannot be used; the message names the variable. */
export class ConfigError extends AppError {
  constructor(message: string) {
    super('invalid_config', message);
  }
}

export type FetchErrorCode = Extract<
  ErrorCode,
  | 'http_error'
  | 'not_found'
  | 'type_not_allowed'
  | 'file_too_large'
  | 'job_too_large'
  | 'blocked_address'
  | 'timeout'
  | 'too_many_redirects'
  | 'network_error'
  | 'checksum_mismatch'
>;

/**
 * A URL could not be fetched. `permanent` tells the job whether another attempt could succeed
 * (404, refused type, too large: no; timeouts, resets, 5xx: yes).
 */
export class FetchError extends AppError {
  readonly url: string;
  readonly permanent: boolean;

  constructor(code: FetchErrorCode, message: string, url: string, permanent: boolean, cause?: unknown) {
    super(code, message, { status: 422, cause });
    this.url = url;
    this.permanent = permanent;
  }
}
