import type { ErrorRequestHandler } from 'express';
import { AppError, ValidationError } from '../shared/errors/app-error.js';
import type { Logger } from '../shared/logger.js';

/** The media routes' errors, in the one body shape: `{"error": {"code", "message", "details?"}}`. */
export function mediaErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const appError =
      err instanceof AppError
        ? err
        : err instanceof URIError
          ? new ValidationError('The path has a malformed % escape')
          : new AppError('internal_error', 'Internal server error', { status: 500, cause: err });
    if (appError.status >= 500) logger.error({ err, url: req.originalUrl }, 'media request failed');
    const retryAfter = (appError.details as { retryAfter?: number } | undefined)?.retryAfter;
    if (appError.status === 503 && retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
    if (res.headersSent) {
      res.end();
      return;
    }
    // Headers set for the image (Content-Type, ETag, immutable caching) must not stick to an error.
    for (const name of ['etag', 'cache-control', 'vary', 'accept-ranges', 'content-range']) res.removeHeader(name);
    res.setHeader('Cache-Control', 'no-store');
    res.status(appError.status).json({ error: appError.toBody() });
  };
}
