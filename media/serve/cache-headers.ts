import type { Response } from 'express';

/** Variants and originals never change under their URL (both are named by content). */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

export function setImmutable(res: Response, contentType: string, etag: string): void {
  res.setHeader('Content-Type', contentType);
  res.setHeader('Cache-Control', IMMUTABLE);
  res.setHeader('ETag', etag);
}
