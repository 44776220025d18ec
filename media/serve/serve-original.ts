import type { Request, Response } from 'express';
import { NotFoundError } from '../../shared/errors/app-error.js';
import { originalKey } from '../../shared/media/media-keys.js';
import type { MediaSource } from '../../shared/media/variant-path.js';
import type { MediaDeps } from '../media-deps.js';
import { setImmutable } from './cache-headers.js';
import { notModified } from './not-modified.js';
import { sendStream } from './send-stream.js';

/** The stored original itself, with Range (one range; 206, or 416 when it lies outside the object). */
export async function serveOriginal(
  { store, config }: MediaDeps,
  req: Request,
  res: Response,
  tenant: string,
  source: MediaSource,
): Promise<void> {
  const key = originalKey(config.S3_KEY_PREFIX, tenant, source);
  const head = await store.head(key);
  if (!head) throw new NotFoundError('No such media');
  const etag = `"${source.sha256}"`;
  setImmutable(res, head.contentType ?? 'application/octet-stream', etag);
  res.setHeader('Accept-Ranges', 'bytes');
  if (notModified(req, etag)) {
    res.status(304).end();
    return;
  }
  const ifRange = req.get('if-range');
  const ranges = ifRange === undefined || ifRange === etag ? req.range(head.size) : undefined;
  if (ranges === -1) {
    res.status(416).setHeader('Content-Range', `bytes */${head.size}`).end();
    return;
  }
  // Malformed, absent or several ranges: the whole object (RFC 9110 lets a server ignore Range).
  const range = Array.isArray(ranges) && ranges.length === 1 ? ranges[0] : undefined;
  if (range) {
    res.status(206).setHeader('Content-Range', `bytes ${range.start}-${range.end}/${head.size}`);
  }
  if (req.method === 'HEAD') {
    res.setHeader('Content-Length', String(range ? range.end - range.start + 1 : head.size));
    res.end();
    return;
  }
  const object = await store.get(key, range);
  if (!object) throw new NotFoundError('No such media');
  await sendStream(req, res, object.body, object.contentLength);
}
