import { buffer } from 'node:stream/consumers';
import type { Request, Response } from 'express';
import { AppError, NotFoundError } from '../../shared/errors/app-error.js';
import { keptFormat, OUTPUT_TYPES } from '../../shared/media/media-formats.js';
import { originalKey, variantKey } from '../../shared/media/media-keys.js';
import type { VariantOptions } from '../../shared/media/variant-options.js';
import type { MediaSource } from '../../shared/media/variant-path.js';
import type { Tenant } from '../../shared/tenants.js';
import type { MediaDeps } from '../media-deps.js';
import { renderVariant } from '../render/render-variant.js';
import { IMMUTABLE, setImmutable } from './cache-headers.js';
import { negotiateFormat } from './negotiate-format.js';
import { notModified } from './not-modified.js';
import { sendStream } from './send-stream.js';
import { variantHash } from './variant-hash.js';

/** The original's bytes, within MEDIA_MAX_INPUT_BYTES and the render timeout. */
async function readOriginal({ store, config }: MediaDeps, key: string): Promise<Buffer> {
  const signal = AbortSignal.timeout(config.MEDIA_RENDER_TIMEOUT_MS);
  try {
    const object = await store.get(key, undefined, signal);
    if (!object) throw new NotFoundError('No such media');
    if (object.size > config.MEDIA_MAX_INPUT_BYTES) {
      object.body.destroy();
      throw new AppError(
        'image_too_large',
        `The original is over MEDIA_MAX_INPUT_BYTES (${config.MEDIA_MAX_INPUT_BYTES})`,
      );
    }
    return await buffer(object.body);
  } catch (err) {
    if (!signal.aborted || err instanceof AppError) throw err;
    throw new AppError('render_timeout', 'Reading the original took too long', {
      details: { retryAfter: 5 },
      cause: err,
    });
  }
}

/**
 * A variant: streamed from the bucket when rendered before, else rendered (once per process, within the render
 * slots), stored next to its original, then sent. Its ETag is known from the URL and Accept alone, so a
 * revalidation is answered 304 without touching S3.
 */
export async function serveVariant(
  deps: MediaDeps,
  req: Request,
  res: Response,
  tenant: Tenant,
  source: MediaSource,
  options: VariantOptions,
): Promise<void> {
  const { config, store, gate, watermarks } = deps;
  const kept = keptFormat(source.ext);
  if (kept === undefined) throw new AppError('not_an_image', 'This media is not an image ferry renders');
  const settings = tenant.media?.watermark;
  if (options.watermark && !settings) throw new AppError('media_not_configured', 'The tenant has no watermark');
  const format = negotiateFormat(options.format, req.get('accept'), kept);
  const wm = options.watermark && settings ? { settings, ...(await watermarks.load(tenant.id, settings)) } : undefined;
  const hash = variantHash(source.sha256, options, format, wm);
  const { contentType, ext } = OUTPUT_TYPES[format];
  const key = variantKey(config.S3_KEY_PREFIX, tenant.id, source.sha256, hash, ext);
  const etag = `"${hash}"`;
  setImmutable(res, contentType, etag);
  if (options.format === 'auto') res.setHeader('Vary', 'Accept');
  if (notModified(req, etag)) {
    res.status(304).end();
    return;
  }
  const stored = await store.get(key);
  if (stored) {
    await sendStream(req, res, stored.body, stored.contentLength);
    return;
  }
  const body = await gate.run(key, async () => {
    // Stored meanwhile: by another process, or by this one, when the render this request would have joined
    // finished between its first look and now.
    const again = await store.get(key);
    if (again) return buffer(again.body);
    const original = await readOriginal(deps, originalKey(config.S3_KEY_PREFIX, tenant.id, source));
    const rendered = await renderVariant({
      original,
      options,
      format,
      ...(wm ? { watermark: { settings: wm.settings, image: wm.image } } : {}),
      limits: {
        maxInputPixels: config.MEDIA_MAX_INPUT_PIXELS,
        maxSide: config.MEDIA_MAX_OUTPUT_SIDE,
        timeoutMs: config.MEDIA_RENDER_TIMEOUT_MS,
      },
    });
    deps.rendered.count++;
    // Stored before it is answered: a variant a client has seen is in the bucket.
    await store.putBuffer({ key, body: rendered, contentType, cacheControl: IMMUTABLE });
    return rendered;
  });
  res.setHeader('Content-Length', String(body.length));
  res.end(req.method === 'HEAD' ? undefined : body);
}
