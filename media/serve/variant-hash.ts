import { createHash } from 'node:crypto';
import type { OutputFormat } from '../../shared/media/media-formats.js';
import { formatSpec, type VariantOptions } from '../../shared/media/variant-options.js';
import type { Watermark } from '../../shared/tenants.js';

/** Bumped when the rendering changes, so that old variants are not served for new URLs' bytes. */
const RENDER_VERSION = 1;

/**
 * The variant's name in the bucket and its ETag: a digest of everything its bytes depend on (the original, the
 * canonical options with the negotiated format, the watermark's image and settings, the renderer's version).
 */
export function variantHash(
  sha256: string,
  options: VariantOptions,
  format: OutputFormat,
  watermark: { settings: Watermark; sha256: string } | undefined,
): string {
  const { url: _url, key: _key, ...placement } = watermark?.settings ?? {};
  const parts = {
    v: RENDER_VERSION,
    sha256,
    options: formatSpec({ kind: 'options', options: { ...options, format: undefined } }),
    format,
    watermark: watermark ? { image: watermark.sha256, ...placement } : null,
  };
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}
