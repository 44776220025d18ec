import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { launchChromium } from '../helpers/browser.js';
import { DISPLAY_NAME_A, startHarness, type Harness } from '../helpers/harness.js';

/** Screenshots to look at; gitignored. */
const SHOTS = join(process.cwd(), 'test-artifacts', 'share-page');

let h: Harness;
let files: FileServer;
let browser: Browser;

beforeAll(async () => {
  [h, files, browser] = await Promise.all([startHarness(), startFileServer(), launchChromium()]);
  await mkdir(SHOTS, { recursive: true });
  files.file('/b/cover.pdf', Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(2_400_000, 1)]), 'application/pdf');
  for (let i = 1; i <= 24; i++) {
    files.file(`/b/page-${i}.txt`, `page ${i}\n`.repeat(100 * i), 'text/plain');
  }
});
afterAll(async () => {
  await browser?.close();
  await Promise.all([h?.close(), files?.close()]);
});

async function sharedZip(share: object) {
  const created = await h.request('POST', '/v1/zips', {
    body: {
      filename: 'Autumn catalogue 2026',
      files: [
        { url: files.url('/b/cover.pdf'), name: 'Cover and front matter (final, approved by the design team).pdf' },
        ...Array.from({ length: 24 }, (_, i) => ({
          url: files.url(`/b/page-${i + 1}.txt`),
          name: `pages/page-${i + 1}.txt`,
        })),
      ],
      share,
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(202);
  const job = await h.waitForJob(created.body.id);
  expect(job.state, JSON.stringify(job.error)).toBe('completed');
  return job;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function withPage<T>(
  viewport: { width: number; height: number },
  colorScheme: 'light' | 'dark',
  run: (page: Page, context: BrowserContext) => Promise<T>,
): Promise<T> {
  const context = await browser.newContext({ viewport, colorScheme, acceptDownloads: true });
  try {
    return await run(await context.newPage(), context);
  } finally {
    await context.close();
  }
}

describe('the share page in a real browser', () => {
  it('shows what was sent, and Download saves exactly the archive', async () => {
    const job = await sharedZip({});
    const archive = await h.download(job.result.downloadUrl as string);
    await withPage({ width: 1280, height: 900 }, 'light', async (page) => {
      const res = await page.goto(job.result.shareUrl as string);
      expect(res?.status()).toBe(200);
      await expect.poll(() => page.title()).toBe(`Autumn catalogue 2026.zip from ${DISPLAY_NAME_A}`);
      const text = await page.locator('main').innerText();
      expect(text).toContain('Autumn catalogue 2026.zip');
      expect(text).toContain(`Sent by ${DISPLAY_NAME_A}`);
      expect(text).toContain('25 files');
      expect(text).toContain('Cover and front matter (final, approved by the design team).pdf');
      expect(text).toContain('2.4 MB');
      expect(text).toContain('pages/page-24.txt');
      expect(text).toMatch(/Available until \w{3}, \d{1,2} \w{3} \d{4}, \d{2}:\d{2} UTC/);
      // The file list is its own scroll region: the button stays near the top however long the list is.
      const region = page.getByRole('region', { name: 'Files' });
      expect(await region.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
      await page.screenshot({ path: join(SHOTS, 'desktop-light.png'), fullPage: true });

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Download' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe('Autumn catalogue 2026.zip');
      const saved = await readFile(await download.path());
      expect(saved.length).toBe(job.result.size);
      expect(sha256(saved)).toBe(sha256(archive.body));
    });
    await withPage({ width: 1280, height: 900 }, 'dark', async (page) => {
      await page.goto(job.result.shareUrl as string);
      const background = await page.evaluate('getComputedStyle(document.body).backgroundColor');
      expect(background).toBe('rgb(17, 19, 22)');
      await page.screenshot({ path: join(SHOTS, 'desktop-dark.png'), fullPage: true });
    });
    await withPage({ width: 390, height: 844 }, 'light', async (page) => {
      await page.goto(job.result.shareUrl as string);
      // Readable on a phone: nothing wider than the screen.
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await page.screenshot({ path: join(SHOTS, 'phone-light.png'), fullPage: true });
    });
    await withPage({ width: 390, height: 844 }, 'dark', async (page) => {
      await page.goto(job.result.shareUrl as string);
      await page.screenshot({ path: join(SHOTS, 'phone-dark.png'), fullPage: true });
    });
  });

  it('asks for the password, refuses a wrong one, then shows the files', async () => {
    const job = await sharedZip({ password: 'open sesame 42', maxDownloads: 1 });
    await withPage({ width: 390, height: 844 }, 'light', async (page) => {
      await page.goto(job.result.shareUrl as string);
      expect(await page.locator('main').innerText()).not.toContain('Autumn catalogue');
      await page.screenshot({ path: join(SHOTS, 'phone-password.png'), fullPage: true });
      await page.getByLabel('Password').fill('not the password');
      const [wrong] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        page.getByRole('button', { name: 'Open' }).click(),
      ]);
      expect(wrong.status()).toBe(401);
      await expect.poll(() => page.getByRole('alert').innerText()).toContain('That password is not right');
      await page.getByLabel('Password').fill('open sesame 42');
      await Promise.all([
        page.waitForURL(job.result.shareUrl as string),
        page.getByRole('button', { name: 'Open' }).click(),
      ]);
      await expect.poll(() => page.locator('h1').innerText()).toBe('Autumn catalogue 2026.zip');
      expect(await page.locator('main').innerText()).toContain('1 download left');

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Download' }).click(),
      ]);
      expect((await readFile(await download.path())).length).toBe(job.result.size);

      // maxDownloads 1: the page now says there are none left.
      const gone = await page.goto(job.result.shareUrl as string);
      expect(gone?.status()).toBe(410);
      expect(await page.locator('h1').innerText()).toBe('No downloads left');
      await page.screenshot({ path: join(SHOTS, 'phone-exhausted.png'), fullPage: true });
    });
  });

  it('shows a withdrawn archive as gone (410)', async () => {
    const job = await sharedZip({});
    expect((await h.request('DELETE', `/v1/jobs/${job.id}/archive`)).status).toBe(204);
    await withPage({ width: 1280, height: 900 }, 'dark', async (page) => {
      const res = await page.goto(job.result.shareUrl as string);
      expect(res?.status()).toBe(410);
      expect(await page.locator('h1').innerText()).toBe('These files were withdrawn');
      await page.screenshot({ path: join(SHOTS, 'desktop-withdrawn-dark.png'), fullPage: true });
    });
  });
});
