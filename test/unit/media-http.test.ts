import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { renderError } from '../../media/render/render-errors.js';
import { notModified } from '../../media/serve/not-modified.js';
import { AppError } from '../../shared/errors/app-error.js';

const request = (ifNoneMatch?: string) =>
  ({ get: (name: string) => (name === 'if-none-match' ? ifNoneMatch : undefined) }) as unknown as Request;

describe('If-None-Match', () => {
  it('matches the ETag, in a list, weakly, or *', () => {
    expect(notModified(request('"abc"'), '"abc"')).toBe(true);
    expect(notModified(request('"x", "abc"'), '"abc"')).toBe(true);
    expect(notModified(request('W/"abc"'), '"abc"')).toBe(true);
    expect(notModified(request('*'), '"abc"')).toBe(true);
    expect(notModified(request('"abd"'), '"abc"')).toBe(false);
    expect(notModified(request(), '"abc"')).toBe(false);
  });
});

describe('render errors', () => {
  it.each([
    ['Input image exceeds pixel limit', 'image_too_large', 422],
    ['timeout: 100% complete', 'render_timeout', 503],
    ['Input buffer contains unsupported image format', 'not_an_image', 415],
    ['VipsJpeg: Premature end of JPEG file', 'not_an_image', 415],
    ['something else', 'internal_error', 500],
  ])('maps sharp’s %j to %s', (message, code, status) => {
    const err = renderError(new Error(message));
    expect([err.code, err.status]).toEqual([code, status]);
  });

  it('keeps an AppError as it is', () => {
    const own = new AppError('image_too_large', 'too big');
    expect(renderError(own)).toBe(own);
  });
});
