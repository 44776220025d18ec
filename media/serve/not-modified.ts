import type { Request } from 'express';

/**
 * Whether If-None-Match names `etag` (or is `*`): then 304. Not express's `req.fresh`, which ignores the header
 * whenever the request also says `Cache-Control: no-cache` (as fetch() does for every conditional request), but
 * an origin answers a revalidation whatever caches were told.
 */
export function notModified(req: Request, etag: string): boolean {
  const header = req.get('if-none-match');
  if (header === undefined) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}
