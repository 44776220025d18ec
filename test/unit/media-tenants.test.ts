import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.js';
import { ConfigError } from '../../shared/errors/app-error.js';
import { loadTenants } from '../../shared/tenants.js';

const base = { id: 'acme', apiKeys: ['a'.repeat(64)] };
const load = (media: Record<string, unknown>) =>
  loadTenants(loadConfig({ FERRY_TENANTS: JSON.stringify([{ ...base, ...media }]) }))![0]!;

describe('tenant media settings', () => {
  it('takes one secret or a list (the first signs), a watermark with defaults and presets', () => {
    const t = load({
      mediaSecret: ['new-secret-0123456', 'old-secret-0123456'],
      watermark: { url: 'https://example.com/logo.png' },
      mediaPresets: { thumb: { width: 150, height: 150, fit: 'cover', format: 'auto', quality: 70 } },
    });
    expect(t.media).toEqual({
      secrets: ['new-secret-0123456', 'old-secret-0123456'],
      watermark: { url: 'https://example.com/logo.png', gravity: 'southeast', opacity: 0.5, scale: 0.25 },
      presets: { thumb: { width: 150, height: 150, fit: 'cover', format: 'auto', quality: 70 } },
    });
    expect(load({ mediaSecret: 'only-secret-0123456' }).media?.secrets).toEqual(['only-secret-0123456']);
    expect(load({}).media).toEqual({ secrets: [], presets: {} });
  });

  it.each([
    ['a short secret', { mediaSecret: 'short' }, 'mediaSecret'],
    ['a watermark with both url and key', { watermark: { url: 'https://e.com/a.png', key: 'k' } }, 'watermark'],
    ['a watermark with neither', { watermark: { gravity: 'north' } }, 'watermark'],
    ['a bad gravity', { watermark: { key: 'k', gravity: 'up' } }, 'gravity'],
    ['an opacity over 1', { watermark: { key: 'k', opacity: 2 } }, 'opacity'],
    ['a preset wider than 8192', { mediaPresets: { big: { width: 9000 } } }, 'width'],
    ['a bad preset name', { mediaPresets: { 'Not OK': { width: 10 } } }, 'mediaPresets'],
    ['an unknown preset field', { mediaPresets: { t: { blur: 3 } } }, 'mediaPresets'],
    ['a watermarked preset without a watermark', { mediaPresets: { t: { width: 9, watermark: true } } }, 'watermark'],
  ])('refuses %s', (_name, media, hint) => {
    expect(() => load(media)).toThrow(ConfigError);
    expect(() => load(media)).toThrow(new RegExp(hint));
  });
});
