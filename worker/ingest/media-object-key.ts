import { extensionFor } from '../fetch/content-type.js';

/**
 * Content-addressed: `<prefix>/<tenant>/media/<sha256[0:2]>/<sha256>.<ext>`, so the same bytes from two URLs
 * are one object, and a key never names two different contents.
 */
export function mediaObjectKey(prefix: string, tenant: string, sha256: string, contentType: string): string {
  const ext = extensionFor(contentType);
  const name = ext ? `${sha256}.${ext}` : sha256;
  return [prefix, tenant, 'media', sha256.slice(0, 2), name].filter((s) => s !== '').join('/');
}
