import { describe, expect, it } from 'vitest';
import { MAX_PARTS, maxArchiveBytes, MIN_PART_SIZE, partSizeFor } from '../../worker/upload/part-size.js';
import { shouldStore } from '../../worker/zip/compression.js';
import { zipObjectKey } from '../../worker/zip/zip-key.js';

describe('shouldStore (compression auto)', () => {
  it.each([
    ['image/jpeg', true],
    ['image/png', true],
    ['image/svg+xml', false],
    ['image/bmp', false],
    ['video/mp4', true],
    ['audio/mpeg', true],
    ['audio/wav', false],
    ['application/zip', true],
    ['application/gzip', true],
    ['application/pdf', true],
    ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', true],
    ['text/plain', false],
    ['application/json', false],
    ['application/octet-stream', false],
  ])('%s -> store %s', (type, store) => {
    expect(shouldStore('auto', type)).toBe(store);
  });
  it('obeys store and deflate whatever the type', () => {
    expect(shouldStore('store', 'text/plain')).toBe(true);
    expect(shouldStore('deflate', 'image/jpeg')).toBe(false);
  });
});

describe('partSizeFor', () => {
  it('never goes below the minimum', () => {
    expect(partSizeFor(1)).toBe(MIN_PART_SIZE);
  });
  it('always lets 10,000 parts hold the largest possible archive', () => {
    for (const gib of [1, 50, 100, 1000, 5000]) {
      const max = maxArchiveBytes(gib * 1024 ** 3, 70_000);
      const part = partSizeFor(max);
      expect(part * MAX_PARTS).toBeGreaterThanOrEqual(max);
      expect(part % (1024 * 1024)).toBe(0);
    }
  });
  it('counts per-entry overhead and deflate expansion', () => {
    expect(maxArchiveBytes(1000, 10)).toBeGreaterThan(1000 + 10 * 100);
  });
});

describe('zipObjectKey', () => {
  it('lays keys out as <prefix>/<tenant>/zips/<jobId>/<filename>', () => {
    expect(zipObjectKey('p', 'acme', 'zip_acme_x', 'a.zip')).toBe('p/acme/zips/zip_acme_x/a.zip');
    expect(zipObjectKey('', 'acme', 'zip_acme_x', 'a.zip')).toBe('acme/zips/zip_acme_x/a.zip');
  });
});

describe('lifecycleRules', () => {
  it('expires tagged archives a day after the longest expiry and aborts stray uploads after a day', async () => {
    const { loadConfig } = await import('../../shared/config.js');
    const { lifecycleRules } = await import('../../shared/storage/lifecycle.js');
    expect(lifecycleRules(loadConfig({ S3_KEY_PREFIX: 'files' }))).toEqual({
      prefix: 'files',
      expireTag: { key: 'ferry-kind', value: 'zip' },
      expireDays: 8,
      abortUploadsAfterDays: 1,
    });
    const short = loadConfig({ ZIP_MAX_EXPIRES_IN: '3600', ZIP_DEFAULT_EXPIRES_IN: '3600' });
    expect(lifecycleRules(short).expireDays).toBe(2);
  });
});
