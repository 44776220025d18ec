import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { solidPng } from '../../local/sample-files.js';
import { launchChromium } from '../helpers/browser.js';
import { KEY_A, startHarness, type Harness } from '../helpers/harness.js';

const CLIENT_DIR = fileURLToPath(new URL('../../client/', import.meta.url));
/** Where the page loads the client from: under the API's own origin, so its fetches are same-origin. */
const MOUNT = '/__client__/';

let h: Harness;
let files: FileServer;
let browser: Browser;
/** client/*.ts as the browser gets them: transpiled one by one, as they are, type-only imports dropped. */
const modules = new Map<string, string>();

beforeAll(async () => {
  [h, files, browser] = await Promise.all([startHarness(), startFileServer(), launchChromium()]);
  files.file('/b/1.png', solidPng(4, 4, [1, 2, 3]), 'image/png');
  // The Node-only entry (webhooks.ts) is left out: everything else must load in a browser.
  for (const name of (await readdir(CLIENT_DIR)).filter((n) => n.endsWith('.ts') && n !== 'webhooks.ts')) {
    const source = await readFile(join(CLIENT_DIR, name), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
    });
    modules.set(name.replace(/\.ts$/, '.js'), outputText);
  }
});
afterAll(async () => {
  await browser?.close();
  await Promise.all([h?.close(), files?.close()]);
});

describe('the typed client in a browser', () => {
  it('loads without Node modules and runs a zip to completion against the real API', async () => {
    const page = await browser.newPage();
    try {
      await page.route(`${h.baseUrl}${MOUNT}**`, async (route) => {
        const name = new URL(route.request().url()).pathname.slice(MOUNT.length);
        if (name === 'index.html') return route.fulfill({ contentType: 'text/html', body: '<!doctype html><p>client' });
        const body = modules.get(name);
        return body === undefined
          ? route.fulfill({ status: 404, body: `no ${name}` })
          : route.fulfill({ contentType: 'text/javascript', body });
      });
      await page.goto(`${h.baseUrl}${MOUNT}index.html`);
      // A string, not a function: vitest would rewrite a function's dynamic import() for Node.
      const script = `(async () => {
        const { createClient, FerryError } = await import(${JSON.stringify(`${MOUNT}index.js`)});
        const client = createClient({ baseUrl: ${JSON.stringify(h.baseUrl)}, apiKey: ${JSON.stringify(KEY_A)} });
        const { id } = await client.zip({ filename: 'browser', urls: [${JSON.stringify(files.url('/b/1.png'))}] });
        const seen = [];
        const doc = await client.wait(id, { timeoutMs: 30000, onProgress: (p) => seen.push(p.filesDone) });
        const error = await client.job('zip_nope_x').catch((e) => e);
        return { state: doc.state, seen, isFerryError: error instanceof FerryError, status: error.status };
      })()`;
      const result = await page.evaluate(script);
      expect(result).toMatchObject({ state: 'completed', isFerryError: true, status: 404 });
    } finally {
      await page.close();
    }
  });
});
