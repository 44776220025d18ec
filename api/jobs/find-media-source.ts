import { NotFoundError } from '../../shared/errors/app-error.js';
import { tenantMediaPrefix } from '../../shared/media/media-keys.js';
import { parseSource, type MediaSource } from '../../shared/media/variant-path.js';
import type { MediaIndex } from '../../shared/storage/media-index.js';
import type { ObjectStore } from '../../shared/storage/object-store.js';
import { mediaKey } from '../../shared/url-normalize.js';

/** The content address of one of the tenant's originals, by the URL it was ingested from or its key; else 404. */
export async function findSource(
  { index, store, prefix }: { index: MediaIndex; store: ObjectStore; prefix: string },
  tenant: string,
  by: { url?: string; key?: string },
): Promise<MediaSource> {
  let key = by.key;
  if (by.url !== undefined) {
    key = (await index.get(mediaKey(tenant, by.url)))?.key;
    if (key === undefined) throw new NotFoundError('This URL has not been ingested by this tenant');
  }
  const own = key?.startsWith(tenantMediaPrefix(prefix, tenant)) === true;
  const source = own && key !== undefined ? parseSource(key.split('/').pop() ?? '') : undefined;
  if (!source || key === undefined || !(await store.head(key))) {
    throw new NotFoundError('This key is not one of this tenant’s media');
  }
  return source;
}
