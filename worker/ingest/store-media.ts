import { FetchError } from '../../shared/errors/app-error.js';
import { originalKey } from '../../shared/media/media-keys.js';
import type { ObjectStore } from '../../shared/storage/object-store.js';
import { extensionFor } from '../fetch/content-type.js';
import type { FetchedFile } from '../fetch/fetch-to-file.js';

/**
 * Below this size, asking whether the object exists (a HEAD, usually a 404) costs more than putting the same
 * bytes again under the same content-addressed key, which is harmless.
 */
const HEAD_FIRST_MIN_BYTES = 1024 * 1024;

/** Media never changes under its content-addressed key: caches may keep it for a year. */
export const MEDIA_CACHE_CONTROL = 'public, max-age=31536000, immutable';

export interface StoreMediaOptions {
  keyPrefix: string;
  tenant: string;
  multipartThreshold: number;
  partSize: number;
}

/**
 * Puts a downloaded file in the bucket under its content address, unless the same bytes are there already.
 * A single-part upload whose ETag is not the MD5 of what we downloaded is removed and reported as
 * `checksum_mismatch` (the store kept something other than what we sent).
 */
export async function storeMedia(
  store: ObjectStore,
  file: FetchedFile,
  o: StoreMediaOptions,
): Promise<{ key: string; etag: string }> {
  const md5 = file.md5;
  if (md5 === undefined) throw new Error('storeMedia needs files downloaded with md5: true');
  // Content-addressed (the same bytes from two URLs are one object), where the media route looks for originals.
  const key = originalKey(o.keyPrefix, o.tenant, { sha256: file.sha256, ext: extensionFor(file.contentType) });
  if (file.size >= HEAD_FIRST_MIN_BYTES) {
    const existing = await store.head(key);
    if (existing && existing.size === file.size && existing.etag) return { key, etag: existing.etag };
  }
  const put = await store.putFile({
    key,
    path: file.path,
    size: file.size,
    contentType: file.contentType,
    cacheControl: MEDIA_CACHE_CONTROL,
    sha256: file.sha256,
    md5,
    multipartThreshold: o.multipartThreshold,
    partSize: o.partSize,
  });
  if (!put.multipart && put.etag !== md5) {
    await store.delete(key);
    throw new FetchError(
      'checksum_mismatch',
      `The stored object's ETag ${put.etag} is not the MD5 of the downloaded bytes (${md5})`,
      file.url,
      true,
    );
  }
  return { key, etag: put.etag };
}
