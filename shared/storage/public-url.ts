import type { ObjectStore } from './object-store.js';

/** Where clients fetch a media object: `PUBLIC_BASE_URL` + key (a CDN) when configured, else the S3 URL. */
export function publicObjectUrl(store: ObjectStore, key: string, publicBaseUrl: string | undefined): string {
  return publicBaseUrl ? `${publicBaseUrl.replace(/\/$/, '')}/${key}` : store.objectUrl(key);
}
