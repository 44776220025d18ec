/** Formats a variant is encoded in. */
export type OutputFormat = 'jpeg' | 'png' | 'webp' | 'avif' | 'gif';

export const OUTPUT_TYPES: Record<OutputFormat, { contentType: string; ext: string }> = {
  jpeg: { contentType: 'image/jpeg', ext: 'jpg' },
  png: { contentType: 'image/png', ext: 'png' },
  webp: { contentType: 'image/webp', ext: 'webp' },
  avif: { contentType: 'image/avif', ext: 'avif' },
  gif: { contentType: 'image/gif', ext: 'gif' },
};

/**
 * Originals ferry renders variants of, by the extension their key has (sniffed from the bytes at ingest), and the
 * format a variant keeps when it asks for none. Anything else (PDF, video, SVG...) is not an image to render.
 */
const RENDERABLE: Record<string, OutputFormat> = {
  jpg: 'jpeg',
  jpeg: 'jpeg',
  png: 'png',
  webp: 'webp',
  avif: 'avif',
  gif: 'gif',
  tif: 'jpeg',
  tiff: 'jpeg',
};

/** The format a variant of an original with this extension keeps; undefined when it cannot be rendered. */
export function keptFormat(ext: string | undefined): OutputFormat | undefined {
  return ext === undefined ? undefined : RENDERABLE[ext];
}
