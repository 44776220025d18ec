import { formatSource, type MediaSource } from './variant-path.js';

const join = (parts: string[]) => parts.filter((s) => s !== '').join('/');

/** The original's key, as ingest jobs store it: `<prefix>/<tenant>/media/<sha256[0:2]>/<sha256>.<ext>`. */
export function originalKey(prefix: string, tenant: string, source: MediaSource): string {
  return join([prefix, tenant, 'media', source.sha256.slice(0, 2), formatSource(source)]);
}

/** The tenant's folder of originals, `<prefix>/<tenant>/media/`: a key outside it is not the tenant's. */
export const tenantMediaPrefix = (prefix: string, tenant: string): string => `${join([prefix, tenant, 'media'])}/`;

/** A rendered variant, next to its original: `<prefix>/<tenant>/variants/<sha256[0:2]>/<sha256>/<hash>.<ext>`. */
export function variantKey(prefix: string, tenant: string, sha256: string, hash: string, ext: string): string {
  return join([prefix, tenant, 'variants', sha256.slice(0, 2), sha256, `${hash}.${ext}`]);
}
