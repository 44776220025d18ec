import { AppError } from '../../shared/errors/app-error.js';

/** sharp's (libvips') failures as the client's errors: a bomb is 422, an undecodable file 415, a slow one 503. */
export function renderError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/exceeds pixel limit/i.test(message)) {
    return new AppError('image_too_large', 'The image has more pixels than MEDIA_MAX_INPUT_PIXELS', { cause: err });
  }
  if (/timeout/i.test(message)) {
    return new AppError('render_timeout', 'Rendering the variant took too long', {
      details: { retryAfter: 5 },
      cause: err,
    });
  }
  if (
    /unsupported image format|corrupt|premature end|bad seek|not a known file format|VipsForeignLoad/i.test(message)
  ) {
    return new AppError('not_an_image', 'The media cannot be decoded as an image', { cause: err });
  }
  return new AppError('internal_error', 'Rendering the variant failed', { status: 500, cause: err });
}
