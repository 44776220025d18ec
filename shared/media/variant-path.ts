import { signVariant, UNSIGNED } from './variant-signature.js';

/** Where the media route is mounted under PUBLIC_URL. */
export const MEDIA_ROUTE_PREFIX = '/m';

/** `<sha256>` or `<sha256>.<ext>`: the last segment of the original's key, its content address. */
const SOURCE = /^([0-9a-f]{64})(?:\.([a-z0-9]{1,10}))?$/;

export interface MediaSource {
  sha256: string;
  /** The original's extension, as its key has it (`jpg`, `png`...); absent when its type had none. */
  ext?: string;
}

export function parseSource(segment: string): MediaSource | undefined {
  const m = SOURCE.exec(segment);
  if (!m) return undefined;
  return m[2] === undefined ? { sha256: m[1]! } : { sha256: m[1]!, ext: m[2] };
}

export const formatSource = (s: MediaSource): string => (s.ext === undefined ? s.sha256 : `${s.sha256}.${s.ext}`);

/**
 * `/m/<tenant>/<signature>/<options>/<source>`; presets are spelled with the signature `_` (they may be served
 * unsigned), everything else is signed with `secret`.
 */
export function variantPath(tenant: string, spec: string, source: string, secret: string | undefined): string {
  const signature =
    spec.startsWith('p_') || secret === undefined ? UNSIGNED : signVariant(secret, tenant, spec, source);
  return `${MEDIA_ROUTE_PREFIX}/${tenant}/${signature}/${spec}/${source}`;
}
