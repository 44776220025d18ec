import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetObjectTaggingCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { solidPng } from '../../local/sample-files.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { readZip } from '../helpers/zip-reader.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const STORED = 0;
const DEFLATED = 8;

let h: Harness;
let files: FileServer;

beforeAll(async () => {
  [h, files] = await Promise.all([startHarness(), startFileServer()]);
});
afterAll(async () => {
  await Promise.all([h?.close(), files?.close()]);
});

async function runZip(body: unknown) {
  const res = await h.request('POST', '/v1/zips', { body });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return h.waitForJob(res.body.id);
}

describe('zip job, happy path', () => {
  it('answers 202 at once, then completes with an archive whose entries are the downloaded bytes', async () => {
    const png = solidPng(32, 32, [1, 2, 3]);
    const text = Buffer.from('hello ferry\n'.repeat(1000));
    files.file('/a/photo.png', png, 'image/png');
    files.file('/b/notes.txt', text, 'text/plain');

    const res = await h.request('POST', '/v1/zips', {
      body: { filename: 'photos', urls: [files.url('/a/photo.png'), files.url('/b/notes.txt')] },
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ type: 'zip', state: 'queued', statusUrl: `/v1/jobs/${res.body.id}` });
    expect(res.body.id).toMatch(/^zip_tenant-a_/);
    expect(res.headers.get('location')).toBe(`/v1/jobs/${res.body.id}`);

    const job = await h.waitForJob(res.body.id);
    expect(job.state).toBe('completed');
    expect(job.progress).toEqual({
      filesTotal: 2,
      filesDone: 2,
      filesFailed: 0,
      bytesDownloaded: png.length + text.length,
    });
    expect(job.result.filename).toBe('photos.zip');
    expect(job.result.key).toBe(`tenant-a/zips/${job.id}/photos.zip`);
    expect(job.result.failures).toEqual([]);

    const dl = await h.download(job.result.downloadUrl);
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-disposition')).toContain('attachment');
    expect(dl.headers.get('content-disposition')).toContain('photos.zip');
    expect(dl.body.length).toBe(job.result.size);

    const entries = await readZip(dl.body);
    const byName = Object.fromEntries(entries.map((e) => [e.name, e]));
    expect(Object.keys(byName).sort()).toEqual(['notes.txt', 'photo.png']);
    expect(sha256(byName['photo.png']!.data)).toBe(sha256(png));
    expect(sha256(byName['notes.txt']!.data)).toBe(sha256(text));
    // auto: PNG is already compressed (stored), text is deflated.
    expect(byName['photo.png']!.compressionMethod).toBe(STORED);
    expect(byName['notes.txt']!.compressionMethod).toBe(DEFLATED);
    expect(job.result.entries.find((e: { name: string }) => e.name === 'photo.png')).toMatchObject({
      url: files.url('/a/photo.png'),
      size: png.length,
      sha256: sha256(png),
      contentType: 'image/png',
    });

    // Tagged for the bucket's lifecycle rule (ferry setup), which expires archives by tag.
    const tagging = await h.clients.s3.send(
      new GetObjectTaggingCommand({ Bucket: h.config.S3_BUCKET, Key: job.result.key }),
    );
    expect(tagging.TagSet).toEqual([{ Key: 'ferry-kind', Value: 'zip' }]);

    const path = join(h.tempDir, '..', `${job.id}.zip`);
    await writeFile(path, dl.body);
    const { stdout } = await promisify(execFile)('unzip', ['-t', path]);
    expect(stdout).toContain('No errors detected');
  });

  it('names entries from name, Content-Disposition, URL, then hash; sanitises; suffixes collisions', async () => {
    const bytes = (n: number) => Buffer.from(`file ${n} `.repeat(50));
    files.file('/n/1', bytes(1), 'text/plain');
    files.file('/n/2', bytes(2), 'text/plain');
    files.file('/n/3', bytes(3), 'text/plain');
    files.file('/n/cd', bytes(4), 'text/plain', {
      'content-disposition': `attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.txt`,
    });
    files.file('/n/%E6%97%A5%E6%9C%AC.txt', bytes(5), 'text/plain');
    files.file('/', bytes(6), 'text/plain');
    files.file('/n/evil', bytes(7), 'text/plain');
    files.file('/n/folder', bytes(8), 'text/plain');

    const job = await runZip({
      filename: 'names',
      files: [
        { url: files.url('/n/1'), name: 'same.txt' },
        { url: files.url('/n/2'), name: 'same.txt' },
        { url: files.url('/n/3'), name: 'SAME.txt' },
        { url: files.url('/n/cd') },
        { url: files.url('/n/%E6%97%A5%E6%9C%AC.txt') },
        { url: files.url('/') },
        { url: files.url('/n/evil'), name: '../../etc/C:passwd' },
        { url: files.url('/n/folder'), name: 'docs/2024/report.txt' },
      ],
    });
    expect(job.state, JSON.stringify(job.error)).toBe('completed');
    const entries = await readZip((await h.download(job.result.downloadUrl)).body);
    const names = entries.map((e) => e.name).sort();
    const hashName = sha256(bytes(6)).slice(0, 16) + '.txt';
    expect(names).toEqual(
      [
        'same.txt',
        'same (2).txt',
        'SAME (3).txt',
        'résumé.txt',
        '日本.txt',
        hashName,
        'etc/C_passwd',
        'docs/2024/report.txt',
      ].sort(),
    );
    const unicode = entries.find((e) => e.name === '日本.txt')!;
    expect(unicode.generalPurposeBitFlag & 0x800).toBe(0x800);
    expect(unicode.data.equals(bytes(5))).toBe(true);
  });

  it('never makes a name both a file and a folder, and renames names Windows or a reader would trip on', async () => {
    const bytes = (n: number) => Buffer.from(`entry ${n} `.repeat(40));
    for (const n of [1, 2, 3, 4, 5]) files.file(`/w/${n}`, bytes(n), 'text/plain');
    files.file('/w/aux.png', solidPng(4, 4, [4, 4, 4]), 'image/png');

    const job = await runZip({
      filename: 'unsafe-names',
      files: [
        { url: files.url('/w/1'), name: 'x' },
        { url: files.url('/w/2'), name: 'x/y.png' },
        { url: files.url('/w/3'), name: 'CON' },
        { url: files.url('/w/aux.png') },
        { url: files.url('/w/4'), name: 'invoice\u202egpj.exe' },
        { url: files.url('/w/5'), name: 'nul/inside.txt' },
      ],
    });
    expect(job.state, JSON.stringify(job.error)).toBe('completed');
    const want = ['x', 'x (2)/y.png', '_CON', '_aux.png', 'invoicegpj.exe', '_nul/inside.txt'];
    expect(job.result.entries.map((e: { name: string }) => e.name).sort()).toEqual([...want].sort());

    const dir = join(h.tempDir, '..', job.id);
    await mkdir(dir);
    const path = `${dir}.zip`;
    await writeFile(path, (await h.download(job.result.downloadUrl)).body);
    const run = promisify(execFile);
    expect((await run('unzip', ['-t', path])).stdout).toContain('No errors detected');
    const listing = (await run('unzip', ['-l', path])).stdout;
    for (const name of want) expect(listing).toContain(name);
    // Extracting is what fails when a name is both a file and a folder ("x exists but is not directory").
    await run('unzip', ['-q', path, '-d', dir]);
    const extracted = (await readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
    expect(extracted.sort()).toEqual([...want].sort());
  });

  it('fetches a URL given twice only once', async () => {
    const body = randomBytes(1000);
    files.file('/dup.png', Buffer.concat([solidPng(8, 8, [9, 9, 9]), body]), 'image/png');
    const before = files.hits('/dup.png');
    const job = await runZip({ filename: 'dup', urls: [files.url('/dup.png'), files.url('/dup.png')] });
    expect(job.state).toBe('completed');
    expect(files.hits('/dup.png') - before).toBe(1);
    expect(job.result.entries).toHaveLength(1);
    expect((await readZip((await h.download(job.result.downloadUrl)).body)).map((e) => e.name)).toEqual(['dup.png']);
  });

  it('honours compression store and deflate', async () => {
    const png = solidPng(16, 16, [5, 5, 5]);
    const text = Buffer.from('abc'.repeat(500));
    files.file('/c/p.png', png, 'image/png');
    files.file('/c/t.txt', text, 'text/plain');
    const urls = [files.url('/c/p.png'), files.url('/c/t.txt')];
    for (const [mode, method] of [
      ['store', STORED],
      ['deflate', DEFLATED],
    ] as const) {
      const job = await runZip({ filename: mode, urls, options: { compression: mode } });
      const entries = await readZip((await h.download(job.result.downloadUrl)).body);
      expect(entries.map((e) => e.compressionMethod)).toEqual([method, method]);
      expect(entries.find((e) => e.name === 'p.png')!.data.equals(png)).toBe(true);
    }
  });

  it('writes stored entries a streaming reader reads whole, even with a data-descriptor signature inside', async () => {
    // A reader that looks for PK\x07\x08 to find the end of stored data (no sizes in the header) cuts this short.
    const png = Buffer.concat([solidPng(8, 8, [3, 1, 4]), Buffer.from('PK\x07\x08', 'latin1'), randomBytes(4096)]);
    files.file('/sig/p.png', png, 'image/png');
    const job = await runZip({ filename: 'signature', urls: [files.url('/sig/p.png')] });
    // readZip checks the local header's CRC and sizes and reads the archive with Java's ZipInputStream too.
    const entries = await readZip((await h.download(job.result.downloadUrl)).body);
    expect(entries.map((e) => [e.name, e.compressionMethod, e.data.equals(png)])).toEqual([['p.png', STORED, true]]);
  });

  it('adds manifest.json when asked', async () => {
    files.file('/m/a.txt', 'manifest me', 'text/plain');
    const job = await runZip({ filename: 'm', urls: [files.url('/m/a.txt')], options: { manifest: true } });
    const entries = await readZip((await h.download(job.result.downloadUrl)).body);
    const manifest = JSON.parse(entries.find((e) => e.name === 'manifest.json')!.data.toString());
    expect(manifest.entries).toEqual(job.result.entries);
    expect(manifest.failures).toEqual([]);
  });

  it('serves a unicode archive name with an RFC 6266 filename* download header', async () => {
    files.file('/u/x.txt', 'unicode', 'text/plain');
    const job = await runZip({ filename: 'fotos-été', urls: [files.url('/u/x.txt')] });
    expect(job.result.filename).toBe('fotos-été.zip');
    const dl = await h.download(job.result.downloadUrl);
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-disposition')).toContain(`filename*=UTF-8''fotos-%C3%A9t%C3%A9.zip`);
    expect(new Date(job.result.expiresAt).getTime() - new Date(job.finishedAt).getTime()).toBeGreaterThan(86_390_000);
    const expires = Number(new URL(job.result.downloadUrl).searchParams.get('X-Amz-Expires'));
    expect(expires).toBeGreaterThan(86_000);
    expect(expires).toBeLessThanOrEqual(86_400);
  });

  it('keeps two jobs with the same filename apart and leaves no temp files', async () => {
    files.file('/s/x.txt', 'x', 'text/plain');
    const [a, b] = await Promise.all([
      runZip({ filename: 'same', urls: [files.url('/s/x.txt')] }),
      runZip({ filename: 'same', urls: [files.url('/s/x.txt')] }),
    ]);
    expect(a.result.key).not.toBe(b.result.key);
    expect(await h.clients.store.head(a.result.key)).toBeDefined();
    expect(await h.clients.store.head(b.result.key)).toBeDefined();
    expect(await h.tempFiles()).toEqual([]);
  });
});
