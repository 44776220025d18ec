import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { until } from '../../fixtures/until.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { readZip } from '../helpers/zip-reader.js';

let h: Harness;
let files: FileServer;
beforeAll(async () => {
  [h, files] = await Promise.all([startHarness({ env: { DOWNLOAD_CONCURRENCY: '8' } }), startFileServer()]);
});
afterAll(async () => {
  await Promise.all([h?.close(), files?.close()]);
});

/**
 * `/<prefix>/0` answers only once `/<prefix>/1..n-1` have all been sent, so it finishes last: completion order
 * and input order differ for sure.
 */
function slowFirst(prefix: string, n: number): string[] {
  let sent = 0;
  let releaseFirst: (() => void) | undefined;
  const body = (i: number) => `file ${i} of ${prefix}\n`.repeat(200 + i);
  files.route(`/${prefix}/0`, (_req, res) => {
    const answer = () => res.writeHead(200, { 'content-type': 'text/plain' }).end(body(0));
    if (sent === n - 1) answer();
    else releaseFirst = answer;
  });
  for (let i = 1; i < n; i++) {
    files.route(`/${prefix}/${i}`, (_req, res) => {
      res.once('finish', () => {
        if (++sent === n - 1) releaseFirst?.();
      });
      res.writeHead(200, { 'content-type': 'text/plain' }).end(body(i));
    });
  }
  return Array.from({ length: n }, (_, i) => files.url(`/${prefix}/${i}`));
}

async function runZip(body: unknown) {
  const res = await h.request('POST', '/v1/zips', { body });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  const job = await h.waitForJob(res.body.id);
  expect(job.state, JSON.stringify(job.error)).toBe('completed');
  return job;
}

describe('zip entry order', () => {
  it('options.order "input": entries in the order given, although the first file finishes last', async () => {
    const urls = slowFirst('in', 6);
    const names = urls.map((_, i) => `entry-${i}.txt`);
    const job = await runZip({
      filename: 'ordered',
      files: urls.map((url, i) => ({ url, name: names[i] })),
      options: { order: 'input', manifest: true },
    });
    expect(job.result.entries.map((e: { name: string }) => e.name)).toEqual(names);
    const entries = await readZip((await h.download(job.result.downloadUrl)).body);
    expect(entries.map((e) => e.name)).toEqual([...names, 'manifest.json']);
    for (const [i, e] of entries.slice(0, -1).entries()) {
      expect(e.data.toString()).toBe(`file ${i} of in\n`.repeat(200 + i));
    }
  });

  it('the default ("completion") writes the file that finished last at the end', async () => {
    // File 0 is held until the other five are in the archive (the job's filesDone says so): it is last for sure.
    let release: (() => void) | undefined;
    files.route('/done/0', (_req, res) => {
      release = () => res.writeHead(200, { 'content-type': 'text/plain' }).end('file 0 of done\n');
    });
    for (let i = 1; i < 6; i++) files.file(`/done/${i}`, `file ${i} of done\n`, 'text/plain');
    const urls = Array.from({ length: 6 }, (_, i) => files.url(`/done/${i}`));
    const res = await h.request('POST', '/v1/zips', { body: { filename: 'completion', urls } });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    await until(async () => {
      const progress = (await h.queues.zip.getJob(res.body.id))?.progress as { filesDone?: number } | undefined;
      return release !== undefined && progress?.filesDone === 5;
    }, 'the other five entries to be written');
    release!();
    const job = await h.waitForJob(res.body.id);
    expect(job.state, JSON.stringify(job.error)).toBe('completed');
    const entries = await readZip((await h.download(job.result.downloadUrl)).body);
    expect(entries).toHaveLength(6);
    expect(entries.at(-1)!.name).toBe('0.txt');
  });

  it('options.order "input" with onError "skip": the entries around a failure keep their order', async () => {
    const urls = slowFirst('skip', 4);
    files.route('/skip/missing', (_req, res) => res.writeHead(404).end());
    const job = await runZip({
      filename: 'ordered-skip',
      urls: [...urls.slice(0, 2), files.url('/skip/missing'), ...urls.slice(2)],
      options: { order: 'input', onError: 'skip' },
    });
    expect(job.result.failures.map((f: { code: string }) => f.code)).toEqual(['not_found']);
    const entries = await readZip((await h.download(job.result.downloadUrl)).body);
    expect(entries.map((e) => e.name)).toEqual(['0.txt', '1.txt', '2.txt', '3.txt']);
  });
});
