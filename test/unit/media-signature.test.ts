import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BUSY_RETRY_AFTER_SECONDS, RenderGate } from '../../media/render/render-gate.js';
import { AppError } from '../../shared/errors/app-error.js';
import { variantPath } from '../../shared/media/variant-path.js';
import { signedPart, signVariant, verifyVariant } from '../../shared/media/variant-signature.js';

const SHA = 'ab'.repeat(32);
const SOURCE = `${SHA}.jpg`;

describe('variant signatures', () => {
  it('is HMAC-SHA256 of "<tenant>/<options>/<source>", base64url (the README’s rule)', () => {
    const expected = createHmac('sha256', 'a-secret-of-16-chars')
      .update(`acme/w_300,f_auto/${SOURCE}`)
      .digest('base64url');
    expect(signedPart('acme', 'w_300,f_auto', SOURCE)).toBe(`acme/w_300,f_auto/${SOURCE}`);
    expect(signVariant('a-secret-of-16-chars', 'acme', 'w_300,f_auto', SOURCE)).toBe(expected);
    expect(expected).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(variantPath('acme', 'w_300,f_auto', SOURCE, 'a-secret-of-16-chars')).toBe(
      `/m/acme/${expected}/w_300,f_auto/${SOURCE}`,
    );
  });

  it('verifies with any listed secret and refuses any change', () => {
    const sig = signVariant('old-secret-0123456', 'acme', 'w_300', SOURCE);
    expect(verifyVariant(['new-secret-0123456', 'old-secret-0123456'], 'acme', 'w_300', SOURCE, sig)).toBe(true);
    expect(verifyVariant(['new-secret-0123456'], 'acme', 'w_300', SOURCE, sig)).toBe(false);
    expect(verifyVariant(['old-secret-0123456'], 'acme', 'w_301', SOURCE, sig)).toBe(false);
    expect(verifyVariant(['old-secret-0123456'], 'acmf', 'w_300', SOURCE, sig)).toBe(false);
    expect(verifyVariant(['old-secret-0123456'], 'acme', 'w_300', `${SHA}.png`, sig)).toBe(false);
    expect(verifyVariant(['old-secret-0123456'], 'acme', 'w_300', SOURCE, sig.slice(1))).toBe(false);
    expect(verifyVariant([], 'acme', 'w_300', SOURCE, sig)).toBe(false);
  });

  it('spells a preset’s URL unsigned', () => {
    expect(variantPath('acme', 'p_thumb', SOURCE, 'a-secret-of-16-chars')).toBe(`/m/acme/_/p_thumb/${SOURCE}`);
  });
});

describe('render gate', () => {
  it('runs a key once while it renders, bounds renders and queue, then refuses with media_busy', async () => {
    const gate = new RenderGate(1, 1);
    let release!: (v: string) => void;
    const held = new Promise<string>((resolve) => (release = resolve));
    let runs = 0;
    const work = () => {
      runs++;
      return held;
    };
    const a = gate.run('a', work);
    const a2 = gate.run('a', work); // the same render
    const b = gate.run('b', () => Promise.resolve('b')); // waits for the slot
    expect(gate.load).toMatchObject({ running: 1, waiting: 1, started: 2 });
    let refused: unknown;
    try {
      void gate.run('c', () => Promise.resolve('c'));
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('media_busy');
    expect((refused as AppError).details).toEqual({ retryAfter: BUSY_RETRY_AFTER_SECONDS });
    release('a');
    expect(await Promise.all([a, a2, b])).toEqual(['a', 'a', 'b']);
    expect(runs).toBe(1);
    expect(gate.load).toMatchObject({ running: 0, waiting: 0 });
    // A failed render frees its key and its slot.
    await expect(gate.run('d', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate.run('d', () => Promise.resolve('again'))).toBe('again');
  });
});
