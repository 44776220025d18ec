import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, NotFoundError, ValidationError } from '../../shared/errors/app-error.js';
import type { Logger } from '../../shared/logger.js';

/** The one place error bodies are built: `{"error": {"code", "message", "details?"}}`. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const appError = toAppError(err);
    if (appError.status >= 500) logger.error({ err, method: req.method, url: req.originalUrl }, 'request failed');
    if (appError.status === 429 && appError.details && typeof appError.details === 'object') {
      const retryAfter = (appError.details as { retryAfter?: number }).retryAfter;
      if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
    }
    res.status(appError.status).json({ error: appError.toBody() });
  };
}

function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { type?: string; status?: number; message?: string };
  // body-parser's errors carry a `type`.
  if (e?.type === 'entity.parse.failed')
    return new ValidationError('The body is not valid JSON', undefined, 'invalid_json');
  if (e?.type === 'entity.too.large') {
    return new AppError('payload_too_large', 'The body is too large', { status: 413 });
  }
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
    return new AppError('unsupported_encoding', e.message ?? 'Unsupported body encoding', { status: 415 });
  }
  return new AppError('internal_error', 'Internal server error', { status: 500, cause: err });
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new NotFoundError(`No route for ${req.method} ${req.path}`));
};
