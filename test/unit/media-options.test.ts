import { describe, expect, it } from 'vitest';
import { planOutput } from '../../media/render/output-plan.js';
import { negotiateFormat } from '../../media/serve/negotiate-format.js';
import { ValidationError } from '../../shared/errors/app-error.js';
import { formatSpec, parseSpec, type VariantOptions } from '../../shared/media/variant-options.js';

const spec = (options: VariantOptions) => formatSpec({ kind: 'options', options });

describe('variant options: one canonical spelling', () => {
  it('spells options in one order, without the ones that change nothing', () => {
    expect(spec({ quality: 80, format: 'webp', height: 200, width: 300, fit: 'contain', watermark: true })).toBe(
      'w_300,h_200,fit_contain,f_webp,q_80,wm',
    );
    expect(spec({ width: 300, fit: 'contain' })).toBe('w_300'); // fit needs both sides
    expect(spec({ width: 300, height: 200, fit: 'cover' })).toBe('w_300,h_200'); // cover is the default
    expect(spec({ watermark: false })).toBe('orig');
    expect(spec({})).toBe('orig');
    expect(formatSpec({ kind: 'preset', name: 'thumb' })).toBe('p_thumb');
  });

  it('parses what it spells', () => {
    for (const s of ['w_300', 'h_20', 'w_1,h_8192,fit_outside,f_auto,q_1,wm', 'f_avif', 'wm', 'orig', 'p_hero-2']) {
      const parsed = parseSpec(s);
      expect(formatSpec(parsed)).toBe(s);
    }
  });

  it.each([
    ['h_200,w_300', 'not in canonical form: use w_300,h_200'],
    ['w_300,fit_contain', 'not in canonical form: use w_300'],
    ['w_0300', 'without leading zeros'],
    ['w_0', 'without leading zeros'],
    ['w_8193', 'width'],
    ['q_101', 'quality'],
    ['f_bmp', 'format'],
    ['fit_squash', 'fit'],
    ['x_1', 'x_1'],
    ['wm_1', 'wm_1'],
    ['w_1,w_2', 'width'],
    ['', ''],
    ['p_Bad', 'preset'],
  ])('refuses %j (400 naming %s)', (segment, hint) => {
    let error: unknown;
    try {
      parseSpec(segment);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect(JSON.stringify((error as ValidationError).details)).toContain(hint);
  });
});

describe('format negotiation', () => {
  it('prefers AVIF, then WebP, by Accept; else the kept format', () => {
    expect(negotiateFormat('auto', 'image/avif,image/webp,*/*', 'jpeg')).toBe('avif');
    expect(negotiateFormat('auto', 'image/webp,*/*;q=0.8', 'jpeg')).toBe('webp');
    expect(negotiateFormat('auto', 'image/avif;q=0, image/webp;q=0.5', 'png')).toBe('webp');
    expect(negotiateFormat('auto', 'image/*', 'png')).toBe('png');
    expect(negotiateFormat('auto', undefined, 'gif')).toBe('gif');
    expect(negotiateFormat('webp', 'image/avif', 'jpeg')).toBe('webp');
    expect(negotiateFormat(undefined, 'image/avif', 'jpeg')).toBe('jpeg');
  });
});

describe('output plan', () => {
  const src = { width: 800, height: 600 };
  it('sizes by fit, keeps the ratio for one side and bounds every side by the maximum', () => {
    expect(planOutput(src, { width: 300, height: 300, fit: 'inside' }, 8192).out).toEqual({ width: 300, height: 225 });
    expect(planOutput(src, { width: 300, height: 300, fit: 'outside' }, 8192).out).toEqual({ width: 400, height: 300 });
    expect(planOutput(src, { width: 300, height: 300 }, 8192).out).toEqual({ width: 300, height: 300 });
    expect(planOutput(src, { width: 400 }, 8192).out).toEqual({ width: 400, height: 300 });
    expect(planOutput({ width: 100, height: 10_000 }, { width: 1000 }, 8192).out).toEqual({ width: 82, height: 8192 });
    expect(planOutput({ width: 9000, height: 900 }, {}, 8192).out).toEqual({ width: 8192, height: 819 });
    expect(planOutput(src, { format: 'webp' }, 8192)).toEqual({ out: src });
  });

  it('refuses an outside fit that would overflow', () => {
    expect(() => planOutput({ width: 2000, height: 10 }, { width: 100, height: 100, fit: 'outside' }, 8192)).toThrow(
      /at most 8192/,
    );
  });
});
