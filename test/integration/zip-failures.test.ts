import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { solidPng } from '../../local/sample-files.js';
import { pumpBody, type PumpOutcome } from '../helpers/body-pump.js';
import { KEY_B, startHarness, type Harness } from '../helpers/harness.js';
import { objectFileExists, storedParts } from '../helpers/s3rver-files.js';
import { readZip } from '../helpers/zip-reader.js';

const MiB = 1024 * 1024;
// Tenant A's limits; tenant B keeps the harness defaults (50 MiB per file) for the big-archive case.
const MAX_FILE = 1 * MiB;
const MAX_JOB = 2.5 * MiB;
const IDLE_TIMEOUT_MS = 500;
const FETCH_RETRIES = 2; // the config default, relied on by the retry assertions

let h: Harness;
let files: FileServer;
const stalled = new Set<ServerResponse>();

beforeAll(async () => {
  [h, files] = await Promise.all([
    startHarness({
      env: { FETCH_IDLE_TIMEOUT_MS: String(IDLE_TIMEOUT_MS), FETCH_RETRIES: String(FETCH_RETRIES) },
      limitsA: { maxFileBytes: MAX_FILE, maxJobBytes: MAX_JOB },
    }),
    startFileServer(),
  ]);
});
afterAll(async () => {
  for (const res of stalled) res.destroy();
  await Promise.all([h?.close(), files?.close()]);
});

async function runZip(body: unknown, key?: string) {
  const res = await h.request('POST', '/v1/zips', { body, key });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return h.waitForJob(res.body.id, { key });
}

/** The failed job left nothing behind: no archive (by the S3 API and on s3rver's disk), no temp file. */
async function expectNothingLeft(job: { id: string }, filename: string, tenant = 'tenant-a') {
  const key = `${tenant}/zips/${job.id}/${filename}.zip`;
  expect(await h.clients.store.head(key)).toBeUndefined();
  expect(await objectFileExists(h.stack.s3Directory, h.config.S3_BUCKET, key)).toBe(false);
  // No multipart upload left open (s3rver lists them thanks to patches/s3rver+3.7.1.patch).
  const open = await h.clients.s3.send(new ListMultipartUploadsCommand({ Bucket: h.config.S3_BUCKET, Prefix: key }));
  expect(open.Uploads ?? []).toEqual([]);
  expect(await h.tempFiles()).toEqual([]);
}

const elf = () => Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01\x00', 'latin1'), randomBytes(8192)]);
function windowsPe(): Buffer {
  const b = Buffer.concat([Buffer.from('MZ', 'latin1'), randomBytes(8190)]);
  b.writeUInt32LE(0x80, 0x3c); // e_lfanew: where the PE header starts
  b.write('PE\0\0', 0x80, 'latin1');
  return b;
}
const text = (n: number, c = 'a') => Buffer.alloc(n, c);

describe('zip job, per-URL failures with onError "fail"', () => {
  it('a 404 fails the job with not_found and leaves no archive and no temp files', async () => {
    files.file('/f404/ok.txt', 'fine', 'text/plain');
    const job = await runZip({ filename: 'missing', urls: [files.url('/f404/ok.txt'), files.url('/f404/gone')] });
    expect(job.state).toBe('failed');
    expect(job.error.code).toBe('not_found');
    expect(job.error.message).toContain(files.url('/f404/gone'));
    expect(files.hits('/f404/gone')).toBe(1); // permanent: not retried
    await expectNothingLeft(job, 'missing');
  });

  it.each([
    ['ELF', elf()],
    ['Windows PE', windowsPe()],
  ])('refuses an %s executable served as image/jpeg with type_not_allowed', async (label, bytes) => {
    const path = `/exe/${label.replace(/\W/g, '')}.jpg`;
    files.file(path, bytes, 'image/jpeg');
    const job = await runZip({ filename: 'exe', urls: [files.url(path)] });
    expect(job.state).toBe('failed');
    expect(job.error.code).toBe('type_not_allowed');
    expect(job.error.message).toMatch(/application\/x-(elf|msdownload)/);
    await expectNothingLeft(job, 'exe');
  });

  it('refuses a declared Content-Length over maxFileBytes without reading the body', async () => {
    const total = 256 * MiB;
    let outcome!: Promise<PumpOutcome>;
    files.route('/big/declared.txt', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': total });
      outcome = pumpBody(res, total, text(64 * 1024));
    });
    const job = await runZip({ filename: 'declared', urls: [files.url('/big/declared.txt')] });
    expect(job.state).toBe('failed');
    expect(job.error.code).toBe('file_too_large');
    expect(job.progress.bytesDownloaded).toBe(0); // refused on the headers: not one body byte metered
    const { written, complete } = await outcome;
    expect(complete).toBe(false);
    expect(written).toBeLessThan(total / 4);
    expect(files.hits('/big/declared.txt')).toBe(1); // permanent: not retried
    await expectNothingLeft(job, 'declared');
  });

  it('aborts a chunked body (no Content-Length) as soon as it passes maxFileBytes', async () => {
    const total = 256 * MiB;
    let outcome!: Promise<PumpOutcome>;
    files.route('/big/chunked.txt', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      outcome = pumpBody(res, total, text(64 * 1024));
    });
    const job = await runZip({ filename: 'chunked', urls: [files.url('/big/chunked.txt')] });
    expect(job.state).toBe('failed');
    expect(job.error.code).toBe('file_too_large');
    expect(job.progress.bytesDownloaded).toBeGreaterThan(0);
    expect(job.progress.bytesDownloaded).toBeLessThanOrEqual(MAX_FILE);
    const { written, complete } = await outcome;
    expect(complete).toBe(false);
    expect(written).toBeGreaterThan(MAX_FILE);
    expect(written).toBeLessThan(total / 4);
    await expectNothingLeft(job, 'chunked');
  });

  it('times out a response that stalls mid-body, after FETCH_RETRIES more tries', async () => {
    files.route('/stall.txt', (_req, res) => {
      stalled.add(res);
      res.once('close', () => stalled.delete(res));
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 10_000 });
      res.write(text(100, 's'));
    });
    const started = Date.now();
    const job = await runZip({ filename: 'stall', urls: [files.url('/stall.txt')] });
    expect(job.state).toBe('failed');
    expect(job.error.code).toBe('timeout');
    expect(files.hits('/stall.txt')).toBe(1 + FETCH_RETRIES);
    expect(Date.now() - started).toBeGreaterThanOrEqual((1 + FETCH_RETRIES) * IDLE_TIMEOUT_MS);
    await expectNothingLeft(job, 'stall');
  });

  it('fails the job and aborts the upload when a URL fails while a big file is mid-upload', async () => {
    const big = Buffer.concat([solidPng(8, 8, [1, 1, 1]), randomBytes(20 * MiB)]);
    files.file('/mid/big.png', big, 'image/png');
    let partsSeen = 0;
    files.route('/mid/late-404', (_req, res) => {
      // Answer 404 only once S3 holds parts of this archive's multipart upload: the failure lands mid-upload.
      const deadline = Date.now() + 30_000;
      const poll = async () => {
        partsSeen = await storedParts(h.stack.s3Directory, h.config.S3_BUCKET, '/mid-upload.zip');
        if (partsSeen > 0 || Date.now() > deadline) res.writeHead(404).end('gone');
        else setTimeout(() => void poll(), 20);
      };
      void poll();
    });
    const job = await runZip(
      { filename: 'mid-upload', urls: [files.url('/mid/big.png'), files.url('/mid/late-404')] },
      KEY_B,
    );
    expect(partsSeen).toBeGreaterThan(0);
    expect(job.state).toBe('failed');
    expect(job.error.code).toBe('not_found'); // the real error, not s3rver's failed abort (405)
    await expectNothingLeft(job, 'mid-upload', 'tenant-b');
  });
});

describe('zip job, limits across files', () => {
  it('fails exactly the download that takes the job past maxJobBytes with job_too_large', async () => {
    // Three files of exactly maxFileBytes (allowed) add up to 3 MiB > 2.5 MiB: exactly one cannot fit.
    const paths = ['/budget/1.txt', '/budget/2.txt', '/budget/3.txt'];
    paths.forEach((p, i) => files.file(p, text(MAX_FILE, String(i)), 'text/plain'));
    const job = await runZip({
      filename: 'budget',
      urls: paths.map((p) => files.url(p)),
      options: { onError: 'skip' },
    });
    expect(job.state, JSON.stringify(job.error)).toBe('completed');
    expect(job.result.failures).toHaveLength(1);
    expect(job.result.failures[0].code).toBe('job_too_large');
    expect(job.result.entries).toHaveLength(2);

    const failFast = await runZip({ filename: 'budget-fail', urls: paths.map((p) => files.url(p)) });
    expect(failFast.state).toBe('failed');
    expect(failFast.error.code).toBe('job_too_large');
    await expectNothingLeft(failFast, 'budget-fail');
  });
});

describe('zip job with onError "skip"', () => {
  it('archives exactly the good files and lists every failure with its code', async () => {
    const png = solidPng(16, 16, [7, 8, 9]);
    const notes = Buffer.from('keep me\n'.repeat(300));
    files.file('/mix/photo.png', png, 'image/png');
    files.file('/mix/notes.txt', notes, 'text/plain');
    files.file('/mix/elf.jpg', elf(), 'image/jpeg');
    files.file('/mix/huge.txt', text(MAX_FILE + 1), 'text/plain');
    files.route('/mix/always-500', (_req, res) => res.writeHead(500).end('boom'));
    const bad = {
      [files.url('/mix/missing')]: 'not_found',
      [files.url('/mix/elf.jpg')]: 'type_not_allowed',
      [files.url('/mix/huge.txt')]: 'file_too_large',
      [files.url('/mix/always-500')]: 'http_error',
    };
    const urls = [files.url('/mix/photo.png'), ...Object.keys(bad), files.url('/mix/notes.txt')];
    const job = await runZip({ filename: 'mixed', urls, options: { onError: 'skip' } });

    expect(job.state, JSON.stringify(job.error)).toBe('completed');
    const failures = [...job.result.failures].sort((a, b) => a.url.localeCompare(b.url));
    expect(failures).toEqual(
      Object.entries(bad)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([url, code]) => ({ url, code, message: expect.any(String) })),
    );
    expect(files.hits('/mix/always-500')).toBe(1 + FETCH_RETRIES); // transient: retried, then given up
    expect(job.progress).toMatchObject({ filesTotal: 6, filesDone: 2, filesFailed: 4 });
    expect(job.progress.bytesDownloaded).toBeGreaterThanOrEqual(png.length + notes.length);

    const entries = await readZip((await h.download(job.result.downloadUrl)).body);
    expect(entries.map((e) => e.name).sort()).toEqual(['notes.txt', 'photo.png']);
    expect(entries.find((e) => e.name === 'photo.png')!.data.equals(png)).toBe(true);
    expect(entries.find((e) => e.name === 'notes.txt')!.data.equals(notes)).toBe(true);
    // Positive control for expectNothingLeft: a finished archive is visible on s3rver's disk.
    expect(await objectFileExists(h.stack.s3Directory, h.config.S3_BUCKET, job.result.key)).toBe(true);
    expect(await h.tempFiles()).toEqual([]);
  });

  it('fails with no_files when every URL fails', async () => {
    const job = await runZip({
      filename: 'none',
      urls: [files.url('/none/1'), files.url('/none/2')],
      options: { onError: 'skip' },
    });
    expect(job.state).toBe('failed');
    expect(job.error.code).toBe('no_files');
    expect(job.progress).toMatchObject({ filesTotal: 2, filesDone: 0, filesFailed: 2 });
    await expectNothingLeft(job, 'none');
  });
});

describe('zip job, retries and redirects', () => {
  it('retries a transient 500 and completes when the second request succeeds', async () => {
    const body = Buffer.from('second time lucky\n'.repeat(50));
    let calls = 0;
    files.route('/flaky.txt', (_req, res) => {
      if (++calls === 1) return void res.writeHead(500).end('try again');
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length }).end(body);
    });
    const job = await runZip({ filename: 'flaky', urls: [files.url('/flaky.txt')] });
    expect(job.state, JSON.stringify(job.error)).toBe('completed');
    expect(calls).toBe(2);
    const entries = await readZip((await h.download(job.result.downloadUrl)).body);
    expect(entries.map((e) => e.data.equals(body))).toEqual([true]);
  });

  /** `/<prefix>/0` -> `/<prefix>/1` -> ... -> `target`: `hops` redirects in all. */
  function redirectChain(prefix: string, hops: number, target: string): string {
    for (let i = 0; i < hops; i++) {
      const next = i === hops - 1 ? target : `/${prefix}/${i + 1}`;
      files.route(`/${prefix}/${i}`, (_req, res) => res.writeHead(302, { location: next }).end());
    }
    return files.url(`/${prefix}/0`);
  }

  it('follows a chain of 5 redirects to the file', async () => {
    const body = Buffer.from('at the end of the chain');
    files.file('/chain5/final.txt', body, 'text/plain');
    const job = await runZip({ filename: 'chain5', urls: [redirectChain('r5', 5, '/chain5/final.txt')] });
    expect(job.state, JSON.stringify(job.error)).toBe('completed');
    const entries = await readZip((await h.download(job.result.downloadUrl)).body);
    expect(entries.map((e) => e.data.equals(body))).toEqual([true]);
  });

  it('fails with too_many_redirects after more than 5', async () => {
    files.file('/chain6/final.txt', 'never reached', 'text/plain');
    const job = await runZip({ filename: 'chain6', urls: [redirectChain('r6', 6, '/chain6/final.txt')] });
    expect(job.state).toBe('failed');
    expect(job.error.code).toBe('too_many_redirects');
    expect(files.hits('/r6/5')).toBe(1);
    expect(files.hits('/chain6/final.txt')).toBe(0);
    await expectNothingLeft(job, 'chain6');
  });
});
