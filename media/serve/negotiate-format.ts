import type { OutputFormat } from '../../shared/media/media-formats.js';
import type { RequestedFormat } from '../../shared/media/variant-options.js';

/** Whether Accept lists `type` with a non-zero q (wildcards do not count: browsers name AVIF and WebP). */
function accepts(accept: string, type: string): boolean {
  return accept.split(',').some((part) => {
    const [name, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (name !== type) return false;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/** The format a variant is encoded in: the asked one; for `auto` AVIF, then WebP, by Accept, else `kept`. */
export function negotiateFormat(
  requested: RequestedFormat | undefined,
  accept: string | undefined,
  kept: OutputFormat,
): OutputFormat {
  if (requested === undefined) return kept;
  if (requested !== 'auto') return requested;
  if (accept !== undefined && accepts(accept, 'image/avif')) return 'avif';
  if (accept !== undefined && accepts(accept, 'image/webp')) return 'webp';
  return kept;
}
