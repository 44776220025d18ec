import sharp, { type Sharp } from 'sharp';
import { AppError } from '../../shared/errors/app-error.js';
import type { OutputFormat } from '../../shared/media/media-formats.js';
import type { VariantOptions } from '../../shared/media/variant-options.js';
import type { Watermark } from '../../shared/tenants.js';
import { planOutput, type Size } from './output-plan.js';
import { renderError } from './render-errors.js';

export interface RenderLimits {
  maxInputPixels: number;
  maxSide: number;
  timeoutMs: number;
}

export interface RenderRequest {
  original: Buffer;
  options: VariantOptions;
  format: OutputFormat;
  /** The tenant's watermark and its image, when the variant asks for it. */
  watermark?: { settings: Watermark; image: Buffer };
  limits: RenderLimits;
}

/** The original's size as shown: EXIF orientations 5-8 swap width and height. */
async function orientedSize(original: Buffer, maxInputPixels: number): Promise<Size> {
  const meta = await sharp(original, { limitInputPixels: maxInputPixels }).metadata();
  if (meta.width === undefined || meta.height === undefined) {
    throw new AppError('not_an_image', 'The media has no image dimensions');
  }
  // Checked here, before any pixel is decoded: the header alone tells a decompression bomb.
  if (meta.width * meta.height > maxInputPixels) {
    throw new AppError(
      'image_too_large',
      `The image is ${meta.width} x ${meta.height} px: over MEDIA_MAX_INPUT_PIXELS`,
      {
        details: { width: meta.width, height: meta.height, maxInputPixels },
      },
    );
  }
  return (meta.orientation ?? 1) >= 5
    ? { width: meta.height, height: meta.width }
    : { width: meta.width, height: meta.height };
}

/** The watermark sized to `scale` of the output's width (never past its edges), at `opacity`. */
async function watermarkLayer(image: Buffer, settings: Watermark, out: Size, maxInputPixels: number): Promise<Buffer> {
  const width = Math.max(1, Math.min(out.width - 1, Math.floor(out.width * settings.scale)));
  const height = Math.max(1, out.height - 1);
  const alpha = Math.round(255 * settings.opacity);
  return (
    sharp(image, { limitInputPixels: maxInputPixels })
      .rotate()
      .resize({ width, height, fit: 'inside' })
      .ensureAlpha()
      // dest-in keeps the watermark's pixels with their alpha multiplied by the tile's: the opacity.
      .composite([
        {
          input: Buffer.from([0, 0, 0, alpha]),
          raw: { width: 1, height: 1, channels: 4 },
          tile: true,
          blend: 'dest-in',
        },
      ])
      .png()
      .toBuffer()
  );
}

function encode(pipeline: Sharp, format: OutputFormat, quality: number | undefined): Sharp {
  switch (format) {
    case 'jpeg':
      return pipeline.flatten({ background: '#ffffff' }).jpeg({ quality, mozjpeg: false });
    case 'png':
      return pipeline.png(quality === undefined ? {} : { quality, palette: true });
    case 'webp':
      return pipeline.webp({ quality });
    case 'avif':
      return pipeline.avif({ quality, effort: 2 });
    case 'gif':
      return pipeline.gif();
  }
}

/**
 * Renders one variant with sharp: EXIF orientation applied, resized, watermarked, encoded; metadata is not
 * copied (sharp strips it unless asked). Limits are checked on the header before pixels are decoded.
 */
export async function renderVariant(r: RenderRequest): Promise<Buffer> {
  try {
    const { maxInputPixels, maxSide, timeoutMs } = r.limits;
    const plan = planOutput(await orientedSize(r.original, maxInputPixels), r.options, maxSide);
    let pipeline = sharp(r.original, { limitInputPixels: maxInputPixels, failOn: 'error' })
      .rotate()
      .timeout({ seconds: Math.max(1, Math.ceil(timeoutMs / 1000)) });
    if (plan.resize) pipeline = pipeline.resize(plan.resize);
    if (r.watermark) {
      const layer = await watermarkLayer(r.watermark.image, r.watermark.settings, plan.out, maxInputPixels);
      pipeline = pipeline.composite([{ input: layer, gravity: r.watermark.settings.gravity }]);
    }
    return await encode(pipeline, r.format, r.options.quality).toBuffer();
  } catch (err) {
    throw renderError(err);
  }
}
