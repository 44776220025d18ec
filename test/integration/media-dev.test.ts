import { afterAll, describe, expect, it } from 'vitest';
import { until } from '../../fixtures/until.js';
import { startDevProcess } from '../helpers/dev-process.js';
import { decode, get } from '../helpers/media.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('npm run dev serves media variants', () => {
  it('prints an <img> URL that works as printed', async () => {
    const dev = await startDevProcess('test-dev-media');
    cleanups.push(() => dev.cleanup());
    const { port } = dev;
    await until(() => dev.output().includes('ferry dev is running'), 'the banner', 60_000);
    // The banner comes first; the example follows once dev mode has ingested the photo.
    await until(() => dev.output().includes('<img src="'), 'the <img> example', 60_000);
    const src = /<img src="([^"]+)"/.exec(dev.output())?.[1];
    expect(src, dev.output()).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/m/dev/`));
    const res = await get(src!, { accept: 'image/webp,*/*' });
    expect(res.status).toBe(200);
    expect(res.headers.get('vary')).toBe('Accept');
    const meta = await decode(res.body);
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 300, 200]);
    expect(await dev.stop()).toBe(0);
  });
});
