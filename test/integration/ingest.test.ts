import { createHash } from 'node:crypto';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { solidPng } from '../../local/sample-files.js';
import { KEY_B, startHarness, type Harness } from '../helpers/harness.js';

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

let h: Harness;
let files: FileServer;
beforeAll(async () => {
  [h, files] = await Promise.all([startHarness(), startFileServer()]);
});
afterAll(async () => {
  await Promise.all([h?.close(), files?.close()]);
});

async function ingest(urls: string[], opts: { key?: string; refresh?: boolean } = {}) {
  const body = opts.refresh === undefined ? { urls } : { urls, options: { refresh: opts.refresh } };
  const res = await h.request('POST', '/v1/ingests', { body, key: opts.key });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  expect(res.body).toMatchObject({ type: 'ingest', state: 'queued' });
  expect(res.body.id).toMatch(/^ing_/);
  return h.waitForJob(res.body.id, { key: opts.key });
}

async function objectBytes(key: string): Promise<Buffer> {
  const out = await h.clients.s3.send(new GetObjectCommand({ Bucket: h.config.S3_BUCKET, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

const pkOf = (tenant: string, url: string) => `${tenant}#${sha256(new URL(url).href.replace(/#.*$/, ''))}`;

describe('ingest job', () => {
  const red = solidPng(20, 20, [200, 0, 0]);
  const blue = solidPng(20, 20, [0, 0, 200]);
  const elf = Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01\x00', 'latin1'), Buffer.alloc(200)]);

  it('stores a mixed batch once, in input order, verified, indexed, with long cache headers', async () => {
    files.file('/i/red.png', red, 'image/png');
    files.file('/i/blue.png', blue, 'image/png');
    files.file('/i/blue-again.png', blue, 'image/png');
    files.file('/i/exe.jpg', elf, 'image/jpeg');
    files.file('/i/known.png', solidPng(5, 5, [1, 1, 1]), 'image/png');
    // Already indexed by an earlier job.
    const earlier = await ingest([files.url('/i/known.png')]);
    expect(earlier.result.items[0].status).toBe('stored');
    const before = files.totalHits();

    const urls = [
      files.url('/i/red.png'),
      files.url('/i/known.png'),
      files.url('/i/missing.png'),
      files.url('/i/exe.jpg'),
      files.url('/i/blue.png'),
      files.url('/i/red.png'), // duplicate inside the batch
      files.url('/i/blue-again.png'), // same bytes as blue.png
      files.url('/I/../i/red.png#frag').replace('/I/../', '/'), // normalises to red.png
    ];
    const job = await ingest(urls);
    expect(job.state, JSON.stringify(job.error)).toBe('completed');
    const items = job.result.items;
    expect(items.map((i: { url: string }) => i.url)).toEqual(urls);
    expect(items.map((i: { status: string }) => i.status)).toEqual([
      'stored',
      'existing',
      'failed',
      'failed',
      'stored',
      'stored',
      'stored',
      'stored',
    ]);
    expect(items[2].error.code).toBe('not_found');
    expect(items[3].error.code).toBe('type_not_allowed');
    // red.png fetched once for three inputs; known.png not at all; 5 distinct URLs fetched in all.
    expect(files.totalHits() - before).toBe(5);
    expect(items[5]).toEqual({ ...items[0], url: urls[5] });
    expect(items[7].key).toBe(items[0].key);

    const redItem = items[0];
    expect(redItem).toMatchObject({ size: red.length, contentType: 'image/png', sha256: sha256(red), etag: md5(red) });
    expect(redItem.key).toBe(`tenant-a/media/${sha256(red).slice(0, 2)}/${sha256(red)}.png`);
    expect(redItem.publicUrl).toBe(`${h.stack.s3Endpoint}/${h.config.S3_BUCKET}/${redItem.key}`);
    expect(sha256(await objectBytes(redItem.key))).toBe(sha256(red));
    const head = await h.clients.s3.send(new HeadObjectCommand({ Bucket: h.config.S3_BUCKET, Key: redItem.key }));
    expect(head.CacheControl).toBe('public, max-age=31536000, immutable');
    expect(head.ContentType).toBe('image/png');

    // Two URLs, same bytes: one object.
    expect(items[6].key).toBe(items[4].key);
    expect(sha256(await objectBytes(items[4].key))).toBe(sha256(blue));

    // The index record, read with the SDK rather than through ferry.
    const record = await h.clients.dynamo.send(
      new GetItemCommand({ TableName: h.config.DYNAMODB_TABLE, Key: { pk: { S: pkOf('tenant-a', urls[0]!) } } }),
    );
    expect(record.Item).toMatchObject({
      url: { S: urls[0] },
      key: { S: redItem.key },
      size: { N: String(red.length) },
      contentType: { S: 'image/png' },
      sha256: { S: sha256(red) },
      etag: { S: md5(red) },
      jobId: { S: job.id },
    });
    expect(record.Item!.createdAt!.S).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await h.tempFiles()).toEqual([]);

    // GET /v1/media finds the record; another tenant does not.
    const media = await h.request('GET', `/v1/media?url=${encodeURIComponent(urls[0]!)}`);
    expect(media.status).toBe(200);
    expect(media.body).toMatchObject({
      url: urls[0],
      key: redItem.key,
      publicUrl: redItem.publicUrl,
      sha256: sha256(red),
    });
    expect((await h.request('GET', `/v1/media?url=${encodeURIComponent(urls[0]!)}`, { key: KEY_B })).status).toBe(404);
    expect((await h.request('GET', '/v1/media?url=nope')).status).toBe(400);
  });

  it('re-ingesting the same URLs fetches nothing and answers existing', async () => {
    files.file('/r/a.png', solidPng(6, 6, [3, 3, 3]), 'image/png');
    files.file('/r/b.png', solidPng(7, 7, [4, 4, 4]), 'image/png');
    const urls = [files.url('/r/a.png'), files.url('/r/b.png')];
    const first = await ingest(urls);
    const hits = files.totalHits();
    const second = await ingest(urls);
    expect(files.totalHits()).toBe(hits);
    expect(second.result.items.map((i: { status: string }) => i.status)).toEqual(['existing', 'existing']);
    expect(second.result.items.map((i: { key: string }) => i.key)).toEqual(
      first.result.items.map((i: { key: string }) => i.key),
    );

    // refresh: fetched again, record replaced (new jobId), status stored.
    const refreshed = await ingest(urls, { refresh: true });
    expect(files.totalHits()).toBe(hits + 2);
    expect(refreshed.result.items.map((i: { status: string }) => i.status)).toEqual(['stored', 'stored']);
    const rec = await h.clients.dynamo.send(
      new GetItemCommand({ TableName: h.config.DYNAMODB_TABLE, Key: { pk: { S: pkOf('tenant-a', urls[0]!) } } }),
    );
    expect(rec.Item!.jobId!.S).toBe(refreshed.id);
  });

  it("keeps tenants apart: B's ingest of A's URLs fetches again and gets its own objects and records", async () => {
    const bytes = solidPng(9, 9, [9, 8, 7]);
    files.file('/t/shared.png', bytes, 'image/png');
    const url = files.url('/t/shared.png');
    const a = await ingest([url]);
    const hits = files.hits('/t/shared.png');
    const b = await ingest([url], { key: KEY_B });
    expect(b.result.items[0].status).toBe('stored');
    expect(files.hits('/t/shared.png')).toBe(hits + 1);
    expect(b.result.items[0].key).toBe(`tenant-b/media/${sha256(bytes).slice(0, 2)}/${sha256(bytes)}.png`);
    expect(b.result.items[0].key).not.toBe(a.result.items[0].key);
    expect((await h.request('GET', `/v1/jobs/${a.id}`, { key: KEY_B })).status).toBe(404);
  });

  it('validates the request', async () => {
    for (const [body, field] of [
      [{}, 'urls'],
      [{ urls: [] }, 'urls'],
      [{ urls: ['ftp://x/y'] }, 'urls[0]'],
      [{ urls: ['https://x/y'], options: { refresh: 'yes' } }, 'options.refresh'],
      [{ urls: ['https://x/y'], extra: 1 }, 'extra'],
    ] as const) {
      const res = await h.request('POST', '/v1/ingests', { body });
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
  });
});
