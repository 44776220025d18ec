import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../cli/run.js';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { KEY_A, startHarness, type Harness } from '../helpers/harness.js';
import { decode, get, ingestFile, pixel, solid, variantUrl } from '../helpers/media.js';

// Variants rendered for real: images made with sharp, ingested by a real job, served by the variant route,
// decoded back with sharp and measured.
let h: Harness;
let files: FileServer;
let photo: string; // 800 x 600 JPEG: left half red, right half blue
beforeAll(async () => {
  files = await startFileServer();
  // The watermark is one of the tenant's own ingested images: opaque green, 100 x 50.
  const wmUrl = files.url('/wm.png');
  h = await startHarness({
    mediaA: {
      watermark: { url: wmUrl, gravity: 'southeast', opacity: 0.5, scale: 0.25 },
      presets: { thumb: { width: 64, height: 64, format: 'webp' } },
    },
  });
  await ingestFile(h, files, '/wm.png', await solid(100, 50, '#00ff00').png().toBuffer(), 'image/png');
  const halves = await solid(800, 600, '#0000ff')
    .composite([{ input: await solid(400, 600, '#ff0000').png().toBuffer(), left: 0, top: 0 }])
    .jpeg({ quality: 95 })
    .toBuffer();
  ({ url: photo } = await ingestFile(h, files, '/photo.jpg', halves, 'image/jpeg'));
});
afterAll(async () => {
  await Promise.all([h?.close(), files?.close()]);
});

describe('media variants', () => {
  it.each([
    ['cover', 300, 300],
    ['contain', 300, 300],
    ['inside', 300, 225],
    ['outside', 400, 300],
    ['fill', 300, 300],
  ])('fit %s of 800 x 600 into 300 x 300 is %i x %i', async (fit, width, height) => {
    const url = await variantUrl(h, { url: photo, width: 300, height: 300, fit, format: 'png' });
    const res = await get(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const meta = await decode(res.body);
    expect([meta.format, meta.width, meta.height]).toEqual(['png', width, height]);
  });

  it('keeps the aspect ratio for one side, and the original format when none is asked', async () => {
    const url = await variantUrl(h, { url: photo, width: 200 });
    expect(url).toMatch(/\/m\/tenant-a\/[A-Za-z0-9_-]{43}\/w_200\/[0-9a-f]{64}\.jpg$/);
    const res = await get(url);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(res.headers.get('vary')).toBeNull();
    const meta = await decode(res.body);
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 200, 150]);
    // The left half is still red, the right half blue.
    const [r1, , b1] = await pixel(res.body, 20, 75);
    const [r2, , b2] = await pixel(res.body, 180, 75);
    expect(r1).toBeGreaterThan(200);
    expect(b1).toBeLessThan(60);
    expect(b2).toBeGreaterThan(200);
    expect(r2).toBeLessThan(60);
  });

  it('negotiates format=auto by Accept (AVIF, then WebP, else the original) with Vary: Accept', async () => {
    const url = await variantUrl(h, { url: photo, width: 120, format: 'auto' });
    const cases: [string, string, string][] = [
      ['image/avif,image/webp,image/apng,*/*;q=0.8', 'image/avif', 'heif'],
      ['image/webp,*/*', 'image/webp', 'webp'],
      ['image/avif;q=0,image/webp', 'image/webp', 'webp'],
      ['*/*', 'image/jpeg', 'jpeg'],
    ];
    const etags = new Set<string>();
    for (const [accept, type, format] of cases) {
      const res = await get(url, { accept });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type'), accept).toBe(type);
      expect(res.headers.get('vary')).toBe('Accept');
      expect((await decode(res.body)).format).toBe(format);
      etags.add(res.headers.get('etag')!);
    }
    // One stored variant (and ETag) per negotiated format.
    expect(etags.size).toBe(3);
  });

  it('composites the tenant watermark at its gravity, scale and opacity', async () => {
    const base = await solid(400, 400, '#ffffff').png().toBuffer();
    const { url } = await ingestFile(h, files, '/white.png', base, 'image/png');
    const res = await get(await variantUrl(h, { url, width: 400, watermark: true, format: 'png' }));
    expect(res.status).toBe(200);
    // scale 0.25 of 400 px: 100 x 50 in the bottom-right corner, green at half opacity over white.
    const [r, g, b] = await pixel(res.body, 350, 375);
    expect(g).toBeGreaterThan(240);
    expect(r).toBeGreaterThan(100);
    expect(r).toBeLessThan(155);
    expect(b).toBeGreaterThan(100);
    expect(b).toBeLessThan(155);
    expect(await pixel(res.body, 290, 375)).toEqual([255, 255, 255]);
    expect(await pixel(res.body, 350, 340)).toEqual([255, 255, 255]);
    expect(await pixel(res.body, 10, 10)).toEqual([255, 255, 255]);
  });

  it('applies EXIF orientation and strips the metadata', async () => {
    // Stored 400 x 200 (left red, right blue), shown rotated 90° clockwise: 200 x 400, red on top.
    const stored = await solid(400, 200, '#0000ff')
      .composite([{ input: await solid(200, 200, '#ff0000').png().toBuffer(), left: 0, top: 0 }])
      .withMetadata({ orientation: 6 })
      .withExif({ IFD0: { Copyright: 'do not leak', Artist: 'someone' } })
      .jpeg({ quality: 95 })
      .toBuffer();
    const original = await decode(stored);
    expect([original.orientation, original.width, original.height]).toEqual([6, 400, 200]);
    const { url } = await ingestFile(h, files, '/rotated.jpg', stored, 'image/jpeg');
    const res = await get(await variantUrl(h, { url, width: 100 }));
    const meta = await decode(res.body);
    expect([meta.width, meta.height]).toEqual([100, 200]);
    expect(meta.orientation).toBeUndefined();
    expect(meta.exif).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    const [rTop, , bTop] = await pixel(res.body, 50, 40);
    const [rBottom, , bBottom] = await pixel(res.body, 50, 160);
    expect(rTop).toBeGreaterThan(200);
    expect(bTop).toBeLessThan(60);
    expect(bBottom).toBeGreaterThan(200);
    expect(rBottom).toBeLessThan(60);
  });

  it('serves a tenant preset unsigned, with the preset’s options', async () => {
    const url = await variantUrl(h, { url: photo, preset: 'thumb' });
    expect(url).toMatch(/\/m\/tenant-a\/_\/p_thumb\/[0-9a-f]{64}\.jpg$/);
    const res = await get(url);
    expect(res.status).toBe(200);
    const meta = await decode(res.body);
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 64, 64]);
    // Unsigned works only for presets.
    const unsignedOptions = url.replace('/p_thumb/', '/w_64/');
    expect((await get(unsignedOptions)).status).toBe(403);
    const unknown = await get(url.replace('/p_thumb/', '/p_hero/'));
    expect(unknown.status).toBe(400);
  });

  it('answers 400 with field details for bad options, in the API and in the URL', async () => {
    const res = await h.request('POST', '/v1/media/variants', {
      body: { url: photo, width: 0, fit: 'squash', format: 'bmp', quality: 101, extra: 1 },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    const fields = res.body.error.details.map((d: { field: string }) => d.field).sort();
    expect(fields).toEqual(['extra', 'fit', 'format', 'quality', 'width']);
    const tooWide = await h.request('POST', '/v1/media/variants', { body: { url: photo, width: 8193 } });
    expect(tooWide.status).toBe(400);
    expect(tooWide.body.error.details[0].field).toBe('width');
  });

  it('prints a working variant URL from the CLI (ferry media-url)', async () => {
    let stdout = '';
    let stderr = '';
    const io = { out: (t: string) => (stdout += t), err: (t: string) => (stderr += t) };
    const env = { FERRY_URL: h.baseUrl, FERRY_API_KEY: KEY_A };
    const code = await run(['media-url', photo, '--width', '90', '--format', 'webp'], { ...io, env });
    expect([code, stderr]).toEqual([0, '']);
    const res = await get(stdout.trim());
    expect(res.status).toBe(200);
    const meta = await decode(res.body);
    expect([meta.format, meta.width]).toEqual(['webp', 90]);
    stderr = '';
    expect(await run(['media-url', photo, '--width', 'wide'], { ...io, env })).toBe(1);
    expect(stderr).toContain('width');
    expect(await run(['media-url', photo], { ...io, env: {} })).toBe(2);
  });
});
