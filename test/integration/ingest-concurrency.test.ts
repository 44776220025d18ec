import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { solidPng } from '../../local/sample-files.js';
import { startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
let files: FileServer;
beforeAll(async () => {
  [h, files] = await Promise.all([
    startHarness({ workers: false, env: { WORKER_CONCURRENCY: '1', DOWNLOAD_CONCURRENCY: '8' } }),
    startFileServer(),
  ]);
  // Two workers, one job each at a time: the two jobs below run side by side on different workers.
  h.startWorker();
  h.startWorker();
});
afterAll(async () => {
  await Promise.all([h?.close(), files?.close()]);
});

function serveImages(prefix: string, n: number, delayMs = 0): string[] {
  return Array.from({ length: n }, (_, i) => {
    const path = `/${prefix}/${i}.png`;
    const body = solidPng(4, 4, [i % 256, (i >> 8) % 256, 77]);
    files.route(path, (_req, res) => {
      setTimeout(() => res.writeHead(200, { 'content-type': 'image/png' }).end(body), delayMs);
    });
    return files.url(path);
  });
}

async function post(urls: string[]): Promise<string> {
  const res = await h.request('POST', '/v1/ingests', { body: { urls } });
  expect(res.status).toBe(202);
  return res.body.id;
}

async function recordsFor(urls: string[]) {
  const out = await h.clients.dynamo.send(new ScanCommand({ TableName: h.config.DYNAMODB_TABLE }));
  const wanted = new Set(urls);
  return (out.Items ?? []).filter((i) => wanted.has(i.url!.S!));
}

describe('ingest under concurrency', () => {
  it('two jobs ingesting the same 50 URLs on two workers record each URL once and agree on every key', async () => {
    const urls = serveImages('race', 50, 30);
    const [a, b] = await Promise.all([post(urls), post(urls)]);
    const [ja, jb] = await Promise.all([h.waitForJob(a), h.waitForJob(b)]);
    expect(ja.state).toBe('completed');
    expect(jb.state).toBe('completed');
    // Both really ran at once on different workers.
    expect(ja.startedAt < jb.finishedAt && jb.startedAt < ja.finishedAt).toBe(true);

    const records = await recordsFor(urls);
    expect(records).toHaveLength(50);
    for (let i = 0; i < urls.length; i++) {
      const [ia, ib] = [ja.result.items[i], jb.result.items[i]];
      expect(ia.url).toBe(urls[i]);
      expect(ia.key).toBe(ib.key);
      expect(ia.etag).toBe(ib.etag);
      // Exactly one job stored it; the record names that job.
      expect([ia.status, ib.status].sort()).toEqual(['existing', 'stored']);
      const winner = ia.status === 'stored' ? a : b;
      const record = records.find((r) => r.url!.S === urls[i])!;
      expect(record.jobId!.S).toBe(winner);
      expect(record.key!.S).toBe(ia.key);
      expect(files.hits(new URL(urls[i]!).pathname)).toBeLessThanOrEqual(2);
    }
  });

  it('250 URLs in one job: the index is read in batches of 100 and a second run fetches nothing', async () => {
    const urls = serveImages('many', 250);
    const first = await h.waitForJob(await post(urls));
    expect(first.state, JSON.stringify(first.error)).toBe('completed');
    expect(first.result.items.filter((i: { status: string }) => i.status === 'stored')).toHaveLength(250);
    const hits = files.totalHits();
    const second = await h.waitForJob(await post(urls));
    expect(files.totalHits()).toBe(hits);
    expect(second.result.items.map((i: { status: string }) => i.status)).toEqual(Array(250).fill('existing'));
    expect(second.result.items.map((i: { key: string }) => i.key)).toEqual(
      first.result.items.map((i: { key: string }) => i.key),
    );
    expect(second.progress).toMatchObject({ filesTotal: 250, filesDone: 250, filesFailed: 0, bytesDownloaded: 0 });
  });
});
