import { createHash } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { AppError } from '../../shared/errors/app-error.js';
import type { MediaIndex } from '../../shared/storage/media-index.js';
import type { ObjectStore } from '../../shared/storage/object-store.js';
import type { Watermark } from '../../shared/tenants.js';
import { mediaKey } from '../../shared/url-normalize.js';

/** A tenant's watermark image and a digest of it (part of every watermarked variant's key). */
export interface WatermarkImage {
  image: Buffer;
  sha256: string;
}

const MAX_WATERMARK_BYTES = 10 * 1024 * 1024;

/**
 * Loads watermarks from the bucket (a `key`, or a `url` the tenant has ingested: looked up in the media index,
 * so the media process fetches nothing from the internet) and keeps each for `ttlMs`.
 */
export class WatermarkSource {
  private readonly cache = new Map<string, { at: number; value: Promise<WatermarkImage> }>();

  constructor(
    private readonly store: ObjectStore,
    private readonly index: MediaIndex,
    private readonly ttlMs = 60_000,
  ) {}

  load(tenant: string, watermark: Watermark): Promise<WatermarkImage> {
    const id = `${tenant}\n${watermark.url ?? ''}\n${watermark.key ?? ''}`;
    const hit = this.cache.get(id);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.value;
    const value = this.fetch(tenant, watermark);
    this.cache.set(id, { at: Date.now(), value });
    value.catch(() => this.cache.delete(id));
    return value;
  }

  private async fetch(tenant: string, watermark: Watermark): Promise<WatermarkImage> {
    let key = watermark.key;
    if (watermark.url !== undefined) key = (await this.index.get(mediaKey(tenant, watermark.url)))?.key;
    const object = key === undefined ? undefined : await this.store.get(key);
    if (!object) {
      throw new AppError('media_not_configured', 'The tenant’s watermark is not stored (ingest its url first)', {
        status: 500,
      });
    }
    if (object.size > MAX_WATERMARK_BYTES) {
      object.body.destroy();
      throw new AppError('media_not_configured', 'The tenant’s watermark is larger than 10 MiB', { status: 500 });
    }
    const image = await buffer(object.body);
    return { image, sha256: createHash('sha256').update(image).digest('hex') };
  }
}
