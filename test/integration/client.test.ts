import type { ServerResponse } from 'node:http';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, FerryError, type FerryClient, type JobProgress } from '../../client/index.js';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { solidPng } from '../../local/sample-files.js';
import { KEY_A, KEY_B, startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
let limited: Harness;
let files: FileServer;
let client: FerryClient;
const held: ServerResponse[] = [];

beforeAll(async () => {
  [h, limited, files] = await Promise.all([
    startHarness({ env: { DOWNLOAD_CONCURRENCY: '1' } }),
    // One job a minute and no workers: the second POST is a real 429 with a Retry-After of up to a minute.
    startHarness({ workers: false, limitsA: { jobsPerMinute: 1 } }),
    startFileServer(),
  ]);
  client = createClient({ baseUrl: h.baseUrl, apiKey: KEY_A });
  files.file('/c/1.png', solidPng(4, 4, [1, 2, 3]), 'image/png');
  files.file('/c/2.png', solidPng(4, 4, [4, 5, 6]), 'image/png');
});
afterAll(async () => {
  for (const res of held) res.destroy();
  await Promise.all([h?.close(), limited?.close(), files?.close()]);
});

/** A route that answers only once `release()` is called. */
function gated(path: string): { release: () => void; requested: Promise<void> } {
  let release!: () => void;
  let requested!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const seen = new Promise<void>((r) => (requested = r));
  files.route(path, (_req, res) => {
    held.push(res);
    requested();
    void gate.then(() => res.writeHead(200, { 'content-type': 'image/png' }).end(solidPng(4, 4, [7, 8, 9])));
  });
  return { release, requested: seen };
}

describe('the typed client against the real API', () => {
  it('zip() queues a job and wait() follows its event stream to the completed document', async () => {
    const gate = gated('/c/held-1.png');
    const accepted = await client.zip({
      filename: 'client',
      urls: [files.url('/c/1.png'), files.url('/c/held-1.png')],
    });
    expect(accepted).toMatchObject({ type: 'zip', state: 'queued' });
    const progress: JobProgress[] = [];
    const doc = await client.wait(accepted.id, {
      onProgress: (p) => {
        progress.push(p);
        if (p.filesDone === 1) gate.release();
      },
    });
    expect(doc.state).toBe('completed');
    expect(progress.map((p) => p.filesDone)).toContain(1);
    if (doc.type !== 'zip') throw new Error('expected a zip');
    expect(doc.result?.entries).toHaveLength(2);
    const archive = await h.download(doc.result!.downloadUrl!);
    expect(archive.status).toBe(200);
    expect((await client.job(accepted.id)).state).toBe('completed');
  });

  it('ingest() and wait(): one item per URL', async () => {
    const accepted = await client.ingest({ urls: [files.url('/c/2.png'), files.url('/c/missing.png')] });
    const doc = await client.wait(accepted.id, { timeoutMs: 60_000 });
    expect(doc.state).toBe('completed');
    if (doc.type !== 'ingest') throw new Error('expected an ingest');
    expect(doc.result?.items.map((i) => i.status)).toEqual(['stored', 'failed']);
  });

  it('mediaUrl() asks for a variant URL of ingested media that serves the image resized', async () => {
    const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#3a6' } })
      .jpeg()
      .toBuffer();
    files.file('/c/photo.jpg', photo, 'image/jpeg');
    const ingested = await client.wait((await client.ingest({ urls: [files.url('/c/photo.jpg')] })).id, {
      timeoutMs: 60_000,
    });
    expect(ingested.state).toBe('completed');
    const { variantUrl } = await client.mediaUrl({ url: files.url('/c/photo.jpg'), width: 200, format: 'png' });
    const res = await fetch(variantUrl);
    expect(res.status).toBe(200);
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 200, 150]);
    const missing = await client.mediaUrl({ url: files.url('/c/never.jpg'), width: 10 }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('cancel() stops a running job and wait() ends with the cancelled document', async () => {
    const gate = gated('/c/held-2.png');
    const accepted = await client.zip({ filename: 'cancel-me', urls: [files.url('/c/held-2.png')] });
    const waiting = client.wait(accepted.id);
    await gate.requested;
    expect(await client.cancel(accepted.id)).toEqual({ id: accepted.id, type: 'zip', state: 'cancelled' });
    expect((await waiting).state).toBe('cancelled');
    gate.release();
  });

  it('errors are FerryErrors with the status, code and details of the API', async () => {
    const bad = await client.zip({ filename: 'x', urls: ['ftp://nope'] }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(FerryError);
    expect(bad).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(JSON.stringify((bad as FerryError).details)).toContain('urls[0]');
    // Another tenant's job is not found, as an unknown one.
    const accepted = await client.zip({ filename: 'mine', urls: [files.url('/c/1.png')] });
    const other = createClient({ baseUrl: h.baseUrl, apiKey: KEY_B });
    await expect(other.job(accepted.id)).rejects.toMatchObject({ status: 404, code: 'not_found' });
    await expect(createClient({ baseUrl: h.baseUrl, apiKey: 'nope' }).job(accepted.id)).rejects.toMatchObject({
      status: 401,
      code: 'unauthorized',
    });
    const unreachable = createClient({ baseUrl: 'http://127.0.0.1:9', apiKey: KEY_A });
    await expect(unreachable.job(accepted.id)).rejects.toMatchObject({ status: 0, code: 'network_error' });
    await client.wait(accepted.id);
  });

  it('wait() gives up with code timeout after timeoutMs, and rejects with the reason of an aborted signal', async () => {
    const gate = gated('/c/held-3.png');
    const accepted = await client.zip({ filename: 'slow', urls: [files.url('/c/held-3.png')] });
    await gate.requested;
    await expect(client.wait(accepted.id, { timeoutMs: 200 })).rejects.toMatchObject({
      name: 'FerryError',
      code: 'timeout',
    });
    const controller = new AbortController();
    const waiting = client.wait(accepted.id, { signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    gate.release();
    expect((await client.wait(accepted.id)).state).toBe('completed');
  });

  it('retries a 429 after its Retry-After, a bounded number of times, then reports it', async () => {
    const sent: { status: number; retryAfter: string | null }[] = [];
    const counting: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      sent.push({ status: res.status, retryAfter: res.headers.get('retry-after') });
      return res;
    };
    // Retry-After says up to a minute here; maxRetryDelayMs bounds each wait so the test does not sit it out.
    const c = createClient({
      baseUrl: limited.baseUrl,
      apiKey: KEY_A,
      fetch: counting,
      maxRetries: 2,
      maxRetryDelayMs: 20,
    });
    await c.zip({ filename: 'first', urls: [files.url('/c/1.png')] });
    const err = await c.zip({ filename: 'second', urls: [files.url('/c/1.png')] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'FerryError', status: 429, code: 'rate_limited' });
    expect(sent.map((s) => s.status)).toEqual([202, 429, 429, 429]);
    expect(Number(sent[1]!.retryAfter)).toBeGreaterThan(0);
  });
});
