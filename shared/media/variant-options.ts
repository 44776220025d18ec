import { z } from 'zod';
import { ValidationError } from '../errors/app-error.js';

/** The largest side ferry renders, in and out of options: a variant is at most this many pixels a side. */
export const MAX_VARIANT_SIDE = 8192;

export const FITS = ['cover', 'contain', 'inside', 'outside', 'fill'] as const;
export const FORMATS = ['auto', 'jpeg', 'png', 'webp', 'avif'] as const;
export type Fit = (typeof FITS)[number];
export type RequestedFormat = (typeof FORMATS)[number];

const side = z.number().int().min(1).max(MAX_VARIANT_SIDE);

/** What a variant may ask for; every field optional (none at all is the original). */
export const variantOptionsSchema = z.strictObject({
  width: side.optional().meta({ description: `Output width in pixels (1-${MAX_VARIANT_SIDE}).` }),
  height: side.optional().meta({ description: `Output height in pixels (1-${MAX_VARIANT_SIDE}).` }),
  fit: z.enum(FITS).optional().meta({ description: 'How width and height together apply (sharp’s fit); cover.' }),
  format: z.enum(FORMATS).optional().meta({
    description: '`auto` picks AVIF, then WebP, from the browser’s Accept, else the original’s format.',
  }),
  quality: z.number().int().min(1).max(100).optional().meta({ description: 'Encoder quality, 1-100.' }),
  watermark: z.boolean().optional().meta({ description: 'Composite the tenant’s watermark.' }),
});
export type VariantOptions = z.infer<typeof variantOptionsSchema>;

export const PRESET_NAME = /^[a-z0-9-]{1,40}$/;

/** What the options segment of a variant URL names. */
export type VariantSpec =
  { kind: 'original' } | { kind: 'preset'; name: string } | { kind: 'options'; options: VariantOptions };

/** The options without the ones that change nothing, so one variant has one spelling. */
export function canonicalOptions(o: VariantOptions): VariantOptions {
  const both = o.width !== undefined && o.height !== undefined;
  const out: VariantOptions = {};
  if (o.width !== undefined) out.width = o.width;
  if (o.height !== undefined) out.height = o.height;
  // fit only matters when both sides are given; cover is the default.
  if (both && o.fit !== undefined && o.fit !== 'cover') out.fit = o.fit;
  if (o.format !== undefined) out.format = o.format;
  if (o.quality !== undefined) out.quality = o.quality;
  if (o.watermark === true) out.watermark = true;
  return out;
}

/** The options segment: `orig`, `p_<preset>` or `w_300,h_200,fit_contain,f_webp,q_80,wm` (in that order). */
export function formatSpec(spec: VariantSpec): string {
  if (spec.kind === 'original') return 'orig';
  if (spec.kind === 'preset') return `p_${spec.name}`;
  const o = canonicalOptions(spec.options);
  const tokens = [
    o.width !== undefined && `w_${o.width}`,
    o.height !== undefined && `h_${o.height}`,
    o.fit !== undefined && `fit_${o.fit}`,
    o.format !== undefined && `f_${o.format}`,
    o.quality !== undefined && `q_${o.quality}`,
    o.watermark === true && 'wm',
  ].filter((t): t is string => typeof t === 'string');
  return tokens.length === 0 ? 'orig' : tokens.join(',');
}

const TOKEN_FIELDS: Record<string, keyof VariantOptions> = {
  w: 'width',
  h: 'height',
  fit: 'fit',
  f: 'format',
  q: 'quality',
  wm: 'watermark',
};

/**
 * Parses an options segment, refusing any spelling but the canonical one (so a variant has exactly one URL);
 * throws a 400 whose details name each bad token.
 */
export function parseSpec(segment: string): VariantSpec {
  if (segment === 'orig') return { kind: 'original' };
  if (segment.startsWith('p_')) {
    const name = segment.slice(2);
    if (!PRESET_NAME.test(name)) throw badSpec([{ field: 'preset', message: 'must match [a-z0-9-]{1,40}' }]);
    return { kind: 'preset', name };
  }
  const raw: Record<string, unknown> = {};
  const problems: { field: string; message: string }[] = [];
  for (const token of segment.split(',')) {
    const [name = '', value, ...rest] = token.split('_');
    const field = TOKEN_FIELDS[name];
    if (field === undefined || rest.length > 0 || (field === 'watermark') !== (value === undefined)) {
      problems.push({ field: token, message: 'is not a known option (w_, h_, fit_, f_, q_, wm)' });
    } else if (field in raw) {
      problems.push({ field, message: 'appears twice' });
    } else if (field === 'watermark') {
      raw[field] = true;
    } else if (field === 'fit' || field === 'format') {
      raw[field] = value;
    } else if (/^[1-9][0-9]{0,5}$/.test(value ?? '')) {
      raw[field] = Number(value);
    } else {
      problems.push({ field, message: 'must be a positive integer without leading zeros' });
    }
  }
  if (problems.length > 0) throw badSpec(problems);
  const parsed = variantOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    throw badSpec(parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })));
  }
  const spec: VariantSpec = { kind: 'options', options: parsed.data };
  const canonical = formatSpec(spec);
  if (canonical !== segment) {
    throw badSpec([{ field: 'options', message: `not in canonical form: use ${canonical}` }]);
  }
  return spec;
}

function badSpec(details: { field: string; message: string }[]): ValidationError {
  return new ValidationError(`Invalid variant options: ${details.map((d) => d.field).join(', ')}`, details);
}
