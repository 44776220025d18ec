import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, NotFoundError, ValidationError } from '../../shared/errors/app-error.js';
import type { Logger } from '../../shared/logger.js';
import { isRedisUnavailable } from '../../shared/redis.js';

/** Seconds a client is asked to wait when Redis is away (a restart or failover takes seconds). */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** The one place error bodies are built: `{"error": {"code", "message", "details?"}}`. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const appError = toAppError(err);
    const where = { method: req.method, url: req.originalUrl, status: appError.status };
    if (appError.code === 'unavailable')
      logger.warn({ err: messageOf(err), ...where }, 'request refused: redis unavailable');
    else if (appError.status >= 500) logger.error({ err, ...where }, 'request failed');
    // A client's mistake caught below the handlers (a broken body, a bad path): worth a line, not an alert.
    else if (!(err instanceof AppError)) logger.info({ ...where, reason: messageOf(err) }, 'request refused');
    if (
      (appError.status === 429 || appError.status === 503) &&
      appError.details &&
      typeof appError.details === 'object'
    ) {
      const retryAfter = (appError.details as { retryAfter?: number }).retryAfter;
      if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
    }
    // A response already under way (an event stream) cannot become an error body: it just ends.
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(appError.status).json({ error: appError.toBody() });
  };
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isRedisUnavailable(err)) {
    const retryAfter = UNAVAILABLE_RETRY_AFTER_SECONDS;
    return new AppError('unavailable', `Redis does not answer; nothing was created: retry in ${retryAfter} s`, {
      details: { retryAfter },
      cause: err,
    });
  }
  const e = err as { type?: string; status?: number; statusCode?: number; message?: string; code?: unknown };
  // body-parser's errors carry a `type`.
  if (e?.type === 'entity.parse.failed')
    return new ValidationError('The body is not valid JSON', undefined, 'invalid_json');
  if (e?.type === 'entity.too.large') {
    return new AppError('payload_too_large', 'The body is too large', { status: 413 });
  }
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
    return new AppError('unsupported_encoding', e.message ?? 'Unsupported body encoding', { status: 415 });
  }
  if (e?.type === 'request.aborted') return new ValidationError('The request was aborted before its body arrived');
  if (e?.type === 'request.size.invalid')
    return new ValidationError('The body is shorter or longer than Content-Length');
  // The router's URIError (a malformed % escape in the path) and body-parser's inflate errors (a body that says
  // gzip but is not) are http-errors with status 400 and no type of their own.
  if ((e?.status ?? e?.statusCode) === 400) {
    return new ValidationError(
      err instanceof URIError ? 'The path has a malformed % escape' : 'The request is malformed',
    );
  }
  return new AppError('internal_error', 'Internal server error', { status: 500, cause: err });
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new NotFoundError(`No route for ${req.method} ${req.path}`));
};
