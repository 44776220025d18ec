import { createHash } from 'node:crypto';
import express from 'express';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../api/http-server.js';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { createMediaDeps } from '../../media/media-deps.js';
import { mediaRouter } from '../../media/media-router.js';
import { signVariant } from '../../shared/media/variant-signature.js';
import { defaultLimits, hashApiKey } from '../../shared/tenants.js';
import { KEY_B, MEDIA_SECRET_A, MEDIA_SECRET_B, startHarness, type Harness } from '../helpers/harness.js';
import { decode, get, ingestFile, listKeys, solid, variantUrl } from '../helpers/media.js';

// Serving variant URLs: signatures, tenants, limits, caching, originals with Range, renders once.
const NEW_SECRET_A = 'rotated-media-secret-of-tenant-a';
let h: Harness;
let files: FileServer;
let photo: { url: string; item: { key: string; sha256: string } };
let photoBytes: Buffer;
beforeAll(async () => {
  files = await startFileServer();
  h = await startHarness({
    // One render at a time and one waiting: enough for two requests, and saturation is easy to reach.
    env: { MEDIA_RENDER_CONCURRENCY: '1', MEDIA_RENDER_QUEUE: '1' },
    mediaA: { secrets: [NEW_SECRET_A, MEDIA_SECRET_A] },
  });
  photoBytes = await sharp({
    create: {
      width: 640,
      height: 480,
      channels: 3,
      background: '#000',
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  })
    .jpeg()
    .toBuffer();
  photo = await ingestFile(h, files, '/photo.jpg', photoBytes, 'image/jpeg');
});
afterAll(async () => {
  await Promise.all([h?.close(), files?.close()]);
});

const mediaBase = () => `${h.baseUrl}/m`;

describe('variant URLs: signatures and tenants', () => {
  it('refuses a URL with any one character changed (403), and verifies every rotated secret', async () => {
    const url = await variantUrl(h, { url: photo.url, width: 100 });
    const [, tenant, signature, spec, source] = url.slice(mediaBase().length).split('/');
    expect(signature).toBe(signVariant(NEW_SECRET_A, tenant!, spec!, source!));
    expect((await get(url)).status).toBe(200);
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'a' ? 'b' : 'a') + s.slice(i + 1);
    const tampered = [
      `${mediaBase()}/${tenant}/${flip(signature!, 5)}/${spec}/${source}`,
      `${mediaBase()}/${tenant}/${signature}/w_101/${source}`,
      `${mediaBase()}/${tenant}/${signature}/${spec}/${flip(source!, 3)}`,
      `${mediaBase()}/tenant-b/${signature}/${spec}/${source}`,
    ];
    for (const bad of tampered) {
      const res = await get(bad);
      expect(res.status, bad).toBe(403);
      expect(JSON.parse(res.body.toString()).error.code).toBe('bad_signature');
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    // Signed with the older secret (still listed): accepted.
    const old = `${mediaBase()}/${tenant}/${signVariant(MEDIA_SECRET_A, tenant!, 'w_90', source!)}/w_90/${source}`;
    expect((await get(old)).status).toBe(200);
  });

  it('answers 400 for options that are not in canonical form, even signed', async () => {
    const source = photo.item.key.split('/').pop()!;
    const spec = 'h_100,w_100';
    const res = await get(
      `${mediaBase()}/tenant-a/${signVariant(NEW_SECRET_A, 'tenant-a', spec, source)}/${spec}/${source}`,
    );
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body.toString()).error.details[0].message).toContain('w_100,h_100');
  });

  it('keeps tenants apart: 404 for another tenant’s media, by API and by URL', async () => {
    const asB = await h.request('POST', '/v1/media/variants', { body: { url: photo.url, width: 50 }, key: KEY_B });
    expect(asB.status).toBe(404);
    const byKey = await h.request('POST', '/v1/media/variants', { body: { key: photo.item.key }, key: KEY_B });
    expect(byKey.status).toBe(404);
    // A URL tenant B signs itself (the documented rule) for bytes only tenant A has.
    const source = photo.item.key.split('/').pop()!;
    const url = `${mediaBase()}/tenant-b/${signVariant(MEDIA_SECRET_B, 'tenant-b', 'w_50', source)}/w_50/${source}`;
    expect((await get(url)).status).toBe(404);
  });

  it('answers 415 for a PDF variant, and serves the PDF itself as an original', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
    const { url } = await ingestFile(h, files, '/doc.pdf', pdf, 'application/pdf');
    const res = await get(await variantUrl(h, { url, width: 100 }));
    expect(res.status).toBe(415);
    expect(JSON.parse(res.body.toString()).error.code).toBe('not_an_image');
    const original = await get(await variantUrl(h, { url }));
    expect(original.status).toBe(200);
    expect(original.headers.get('content-type')).toBe('application/pdf');
    expect(original.body.equals(pdf)).toBe(true);
  });
});

describe('variant URLs: caching and originals', () => {
  it('answers 304 to If-None-Match and HEAD with the headers only', async () => {
    const url = await variantUrl(h, { url: photo.url, width: 80, format: 'webp' });
    const first = await get(url);
    const etag = first.headers.get('etag')!;
    const again = await get(url, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.get('etag')).toBe(etag);
    const head = await get(url, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers.get('content-length')).toBe(String(first.body.length));
    expect(head.headers.get('content-type')).toBe('image/webp');
    expect(head.headers.get('etag')).toBe(etag);
  });

  it('serves the original (no options) with Range: 206, 416, 304 and HEAD', async () => {
    const url = await variantUrl(h, { url: photo.url });
    expect(url).toContain('/orig/');
    const whole = await get(url);
    expect(whole.status).toBe(200);
    expect(createHash('sha256').update(whole.body).digest('hex')).toBe(photo.item.sha256);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.headers.get('etag')).toBe(`"${photo.item.sha256}"`);
    const size = photoBytes.length;
    const part = await get(url, { range: 'bytes=10-109' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-109/${size}`);
    expect(part.body.equals(photoBytes.subarray(10, 110))).toBe(true);
    const tail = await get(url, { range: 'bytes=-5' });
    expect(tail.status).toBe(206);
    expect(tail.body.equals(photoBytes.subarray(size - 5))).toBe(true);
    const outside = await get(url, { range: `bytes=${size}-` });
    expect(outside.status).toBe(416);
    expect(outside.headers.get('content-range')).toBe(`bytes */${size}`);
    expect((await get(url, { 'if-none-match': `"${photo.item.sha256}"` })).status).toBe(304);
    const head = await get(url, {}, 'HEAD');
    expect([head.status, head.headers.get('content-length'), head.body.length]).toEqual([200, String(size), 0]);
  });

  it('renders concurrent first requests once and stores one object', async () => {
    const url = await variantUrl(h, { url: photo.url, width: 321, format: 'avif' });
    const before = h.media.rendered.count;
    const results = await Promise.all(Array.from({ length: 6 }, () => get(url)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(results.map((r) => r.body.toString('base64'))).size).toBe(1);
    expect(h.media.rendered.count - before).toBe(1);
    const prefix = `${photo.item.key.replace('/media/', '/variants/').replace(/\.jpg$/, '')}/`;
    const keys = (await listKeys(h, prefix)).filter((k) => k.endsWith('.avif'));
    expect(keys).toHaveLength(1);
    // The next request streams the stored object.
    const cached = await get(url);
    expect(cached.body.equals(results[0]!.body)).toBe(true);
    expect(h.media.rendered.count - before).toBe(1);
  });
});

describe('variant URLs: two media processes', () => {
  it('render a new variant at most once each and store one object', async () => {
    // A second media "process": its own deps (render gate, in-flight map) and server on the same bucket.
    const tenants = [
      {
        id: 'tenant-a',
        apiKeyHashes: [hashApiKey('unused')],
        limits: defaultLimits(h.config),
        media: { secrets: [NEW_SECRET_A, MEDIA_SECRET_A], presets: {} },
      },
    ];
    const other = createMediaDeps({
      config: h.config,
      tenants,
      store: h.clients.store,
      index: h.clients.index,
      logger: h.media.logger,
    });
    const app = express().use(mediaRouter(other));
    const server = await listen(app, 0, '127.0.0.1');
    try {
      const url = await variantUrl(h, { url: photo.url, width: 333, format: 'webp' });
      const path = new URL(url).pathname;
      const before = h.media.rendered.count;
      const results = await Promise.all([
        ...Array.from({ length: 3 }, () => get(url)),
        ...Array.from({ length: 3 }, () => get(server.url + path)),
      ]);
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
      const renders = h.media.rendered.count - before + other.rendered.count;
      expect(renders).toBeGreaterThanOrEqual(1);
      expect(renders).toBeLessThanOrEqual(2);
      const prefix = `${photo.item.key.replace('/media/', '/variants/').replace(/\.jpg$/, '')}/`;
      const etag = results[0]!.headers.get('etag')!.replaceAll('"', '');
      expect((await listKeys(h, prefix)).filter((k) => k.includes(etag))).toHaveLength(1);
      expect(new Set(results.map((r) => r.headers.get('etag'))).size).toBe(1);
    } finally {
      await server.close();
    }
  });
});

describe('variant URLs: limits', () => {
  it('refuses a decompression bomb (422 image_too_large) while another render succeeds', async () => {
    // 400 megapixels of one colour: a 400 KB PNG.
    const bomb = await sharp({
      create: { width: 20_000, height: 20_000, channels: 3, background: '#000' },
      limitInputPixels: false,
    })
      .toColourspace('b-w')
      .png({ compressionLevel: 9 })
      .toBuffer();
    const { url } = await ingestFile(h, files, '/bomb.png', bomb, 'image/png');
    const [bombed, fine] = await Promise.all([
      get(await variantUrl(h, { url, width: 100 })),
      get(await variantUrl(h, { url: photo.url, width: 77 })),
    ]);
    expect(bombed.status).toBe(422);
    expect(JSON.parse(bombed.body.toString()).error.code).toBe('image_too_large');
    expect(fine.status).toBe(200);
    expect((await decode(fine.body)).width).toBe(77);
  });

  it('answers 503 with Retry-After when every render slot and the queue are taken', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // One render running and one waiting: the limits of this harness.
    const running = h.media.gate.run('test-hold-1', () => held);
    const waiting = h.media.gate.run('test-hold-2', () => held);
    try {
      const res = await get(await variantUrl(h, { url: photo.url, width: 55 }));
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(JSON.parse(res.body.toString()).error.code).toBe('media_busy');
    } finally {
      release();
      await Promise.all([running, waiting]);
    }
    expect((await get(await variantUrl(h, { url: photo.url, width: 55 }))).status).toBe(200);
  });

  it('refuses a variant that would be over 8192 px a side (422)', async () => {
    const strip = await solid(2000, 10, '#888888').png().toBuffer();
    const { url } = await ingestFile(h, files, '/strip.png', strip, 'image/png');
    const res = await get(await variantUrl(h, { url, width: 100, height: 100, fit: 'outside' }));
    expect(res.status).toBe(422);
    expect(JSON.parse(res.body.toString()).error.code).toBe('image_too_large');
    // One side only: bounded, not refused.
    const tall = await get(await variantUrl(h, { url, height: 8000 }));
    expect(tall.status).toBe(200);
    const meta = await decode(tall.body);
    expect(meta.width).toBeLessThanOrEqual(8192);
  });
});
