import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { until } from '../../fixtures/until.js';
import { solidPng } from '../../local/sample-files.js';
import { startChildWorker, type ChildWorker } from '../helpers/child-worker.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { storedParts } from '../helpers/s3rver-files.js';
import { readZip } from '../helpers/zip-reader.js';

const MiB = 1024 * 1024;
let h: Harness;
let files: FileServer;
const children: ChildWorker[] = [];
const held: ServerResponse[] = [];

beforeAll(async () => {
  [h, files] = await Promise.all([
    startHarness({
      workers: false,
      env: {
        DOWNLOAD_CONCURRENCY: '1',
        WORKER_LOCK_DURATION_MS: '2000',
        WORKER_STALLED_INTERVAL_MS: '1000',
      },
    }),
    startFileServer(),
  ]);
});
afterAll(async () => {
  for (const c of children) c.process.kill('SIGKILL');
  for (const res of held) res.destroy();
  await Promise.all([h?.close(), files?.close()]);
});

/** A route whose first request is held until `release()`; later requests are answered at once. */
function gatedFile(path: string, body: Buffer) {
  let first: ServerResponse | undefined;
  let arrived = false;
  files.route(path, (_req, res) => {
    if (!arrived) {
      arrived = true;
      first = res;
      held.push(res);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length }).end(body);
  });
  return {
    arrived: () => arrived,
    release: () => first?.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length }).end(body),
  };
}

describe('worker lifecycle', () => {
  it('a job whose worker is SIGKILLed mid-upload is taken over and ends with one archive and no open upload', async () => {
    const big = Buffer.concat([solidPng(4, 4, [7, 7, 7]), randomBytes(10 * MiB)]);
    const late = Buffer.from('after the crash\n');
    files.file('/crash/big.png', big, 'image/png');
    const gate = gatedFile('/crash/late.txt', late);
    const a = startChildWorker(h.env);
    children.push(a);

    const res = await h.request('POST', '/v1/zips', {
      body: { filename: 'crash', urls: [files.url('/crash/big.png'), files.url('/crash/late.txt')] },
    });
    expect(res.status).toBe(202);
    const key = `tenant-a/zips/${res.body.id}/crash.zip`;
    // Worker A has streamed the big file into the archive (a part is in S3) and waits for the second file.
    await until(gate.arrived, 'the second download', 60_000);
    await until(
      async () => (await storedParts(h.stack.s3Directory, h.config.S3_BUCKET, '/crash.zip')) > 0,
      'a stored part',
    );
    a.process.kill('SIGKILL');
    expect(await a.exited).toBe('SIGKILL');

    const b = h.startWorker();
    const job = await h.waitForJob(res.body.id, { timeoutMs: 60_000 }).finally(() => b.close());
    expect(job.state, JSON.stringify(job.error)).toBe('completed');
    expect(job.attempts).toBeGreaterThanOrEqual(2);

    const objects = await h.clients.s3.send(
      new ListObjectsV2Command({ Bucket: h.config.S3_BUCKET, Prefix: `tenant-a/zips/${res.body.id}/` }),
    );
    expect((objects.Contents ?? []).map((o) => o.Key)).toEqual([key]);
    const open = await h.clients.s3.send(new ListMultipartUploadsCommand({ Bucket: h.config.S3_BUCKET, Prefix: key }));
    expect(open.Uploads ?? []).toEqual([]);
    const entries = await readZip((await h.download(job.result.downloadUrl)).body);
    expect(entries.find((e) => e.name === 'big.png')!.data.equals(big)).toBe(true);
    expect(entries.find((e) => e.name === 'late.txt')!.data.equals(late)).toBe(true);
  });

  it('SIGTERM lets the running job finish, then the worker exits 0', async () => {
    const body = Buffer.from('finish me\n');
    const gate = gatedFile('/term/slow.txt', body);
    const c = startChildWorker({ ...h.env, WORKER_SHUTDOWN_TIMEOUT_MS: '20000' });
    children.push(c);
    await until(() => c.output().includes('workers started'), 'the worker to start');
    const res = await h.request('POST', '/v1/zips', {
      body: { filename: 'term', urls: [files.url('/term/slow.txt')] },
    });
    await until(gate.arrived, 'the download', 60_000);
    c.process.kill('SIGTERM');
    await until(() => c.output().includes('shutting down'), 'the shutdown log line');
    gate.release();
    expect(await c.exited).toBe(0);
    const job = await h.request('GET', `/v1/jobs/${res.body.id}`);
    expect(job.body.state).toBe('completed');
    expect(job.body.attempts).toBe(1);
  });
});
