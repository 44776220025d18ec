import { AppError } from '../../shared/errors/app-error.js';
import type { Fit, VariantOptions } from '../../shared/media/variant-options.js';

export interface Size {
  width: number;
  height: number;
}

/** How sharp resizes (absent: not at all) and the size that comes out. */
export interface OutputPlan {
  resize?: { width: number; height: number; fit: Fit };
  out: Size;
}

const scaled = (src: Size, scale: number): Size => ({
  width: Math.max(1, Math.round(src.width * scale)),
  height: Math.max(1, Math.round(src.height * scale)),
});

function fitted(src: Size, box: Size, fit: Fit): Size {
  if (fit === 'inside') return scaled(src, Math.min(box.width / src.width, box.height / src.height));
  if (fit === 'outside') return scaled(src, Math.max(box.width / src.width, box.height / src.height));
  return { width: box.width, height: box.height };
}

/**
 * The resize a variant needs, from the (oriented) size of its original: both sides given use `fit`; one side
 * keeps the aspect ratio; none keeps the size. Whatever was asked, no side comes out above `maxSide`: a single
 * side or no side is bounded by a `maxSide` box, and an `outside` fit that would overflow is refused (422).
 */
export function planOutput(src: Size, o: VariantOptions, maxSide: number): OutputPlan {
  let resize: OutputPlan['resize'];
  if (o.width !== undefined && o.height !== undefined) {
    resize = { width: o.width, height: o.height, fit: o.fit ?? 'cover' };
  } else if (o.width !== undefined) {
    resize = { width: o.width, height: maxSide, fit: 'inside' };
  } else if (o.height !== undefined) {
    resize = { width: maxSide, height: o.height, fit: 'inside' };
  } else if (src.width > maxSide || src.height > maxSide) {
    resize = { width: maxSide, height: maxSide, fit: 'inside' };
  }
  const out = resize ? fitted(src, resize, resize.fit) : src;
  if (out.width > maxSide || out.height > maxSide) {
    throw new AppError(
      'image_too_large',
      `The variant would be ${out.width} x ${out.height} px: at most ${maxSide} px a side`,
      { details: { width: out.width, height: out.height, maxSide } },
    );
  }
  return resize ? { resize, out } : { out };
}
