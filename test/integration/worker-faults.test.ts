import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { until } from '../../fixtures/until.js';
import { solidPng } from '../../local/sample-files.js';
import { startChildWorker, type ChildWorker } from '../helpers/child-worker.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { readZip } from '../helpers/zip-reader.js';

const MiB = 1024 * 1024;
let h: Harness;
let files: FileServer;
const children: ChildWorker[] = [];
const held = new Set<ServerResponse>();

beforeAll(async () => {
  [h, files] = await Promise.all([
    startHarness({
      workers: false,
      env: {
        DOWNLOAD_CONCURRENCY: '1',
        WORKER_LOCK_DURATION_MS: '2000',
        WORKER_STALLED_INTERVAL_MS: '1000',
        FETCH_IDLE_TIMEOUT_MS: '60000',
      },
    }),
    startFileServer(),
  ]);
});
// A test that fails leaves no worker behind to take the next test's job.
afterEach(async () => {
  const running = children.splice(0);
  for (const c of running) c.process.kill('SIGKILL');
  await Promise.all(running.map((c) => c.exited));
});
afterAll(async () => {
  for (const res of held) res.destroy();
  await Promise.all([h?.close(), files?.close()]);
});

function child(env: Record<string, string> = {}): ChildWorker {
  const c = startChildWorker({ ...h.env, ...env });
  children.push(c);
  return c;
}

/**
 * A route whose first `stuck` requests get their headers and `head` of the body, then nothing more; later
 * requests get it all.
 */
function stuckFile(path: string, body: Buffer, head = 0, stuck = 1) {
  let requests = 0;
  files.route(path, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
    if (++requests <= stuck) {
      held.add(res);
      if (head > 0) res.write(body.subarray(0, head));
      return;
    }
    res.end(body);
  });
  return { arrived: () => requests > 0, requests: () => requests };
}

async function zipKeys(jobId: string) {
  const out = await h.clients.s3.send(
    new ListObjectsV2Command({ Bucket: h.config.S3_BUCKET, Prefix: `tenant-a/zips/${jobId}/` }),
  );
  return (out.Contents ?? []).map((o) => o.Key);
}

describe('worker faults', () => {
  it('WORKER_SHUTDOWN_TIMEOUT_MS is enforced: the job is aborted, handed back, and another worker completes it', async () => {
    const body = Buffer.concat([solidPng(4, 4, [1, 2, 3]), randomBytes(64 * 1024)]);
    const gate = stuckFile('/deadline/slow.png', body, 1024);
    const timeoutMs = 2000;
    const c = child({ WORKER_SHUTDOWN_TIMEOUT_MS: String(timeoutMs) });
    await until(() => c.output().includes('workers started'), 'the worker to start');
    const res = await h.request('POST', '/v1/zips', {
      body: { filename: 'deadline', urls: [files.url('/deadline/slow.png')] },
    });
    expect(res.status).toBe(202);
    await until(gate.arrived, 'the download');
    const signalled = Date.now();
    c.process.kill('SIGTERM');
    const exit = await Promise.race([
      c.exited,
      new Promise((r) => setTimeout(r, timeoutMs + 5000, 'still running').unref()),
    ]);
    const exitMs = Date.now() - signalled;
    expect(exit, c.output()).not.toBe('still running');
    console.log(`exit ${String(exit)} ${exitMs} ms after SIGTERM (WORKER_SHUTDOWN_TIMEOUT_MS=${timeoutMs})`);
    expect(exitMs).toBeLessThan(timeoutMs + 5000);
    expect(c.output()).toContain('handed back');

    const other = h.startWorker();
    const job = await h.waitForJob(res.body.id, { timeoutMs: 30_000 }).finally(() => other.close());
    expect(job.state, JSON.stringify(job.error)).toBe('completed');
    const key = `tenant-a/zips/${res.body.id}/deadline.zip`;
    expect(await zipKeys(res.body.id)).toEqual([key]);
    const open = await h.clients.s3.send(new ListMultipartUploadsCommand({ Bucket: h.config.S3_BUCKET, Prefix: key }));
    expect(open.Uploads ?? []).toEqual([]);
    const entries = await readZip((await h.download(job.result.downloadUrl)).body);
    expect(entries.map((e) => e.name)).toEqual(['slow.png']);
    expect(entries[0]!.data.equals(body)).toBe(true);
    // No failure webhook or failed state for a job that was only handed back.
    expect(job.error).toBeUndefined();
  });

  it('the temp files of a SIGKILLed worker are removed when a worker starts on that disk', async () => {
    const body = Buffer.concat([solidPng(4, 4, [9, 9, 9]), randomBytes(2 * MiB)]);
    const gate = stuckFile('/killed/part.png', body, MiB);
    const a = child();
    await until(() => a.output().includes('workers started'), 'worker A to start');
    const res = await h.request('POST', '/v1/zips', {
      body: { filename: 'killed', urls: [files.url('/killed/part.png')] },
    });
    expect(res.status).toBe(202);
    await until(gate.arrived, 'the download');
    // Worker A has part of the file on disk.
    await until(async () => (await h.tempFiles()).length > 0, 'a temp file of worker A');
    a.process.kill('SIGKILL');
    expect(await a.exited).toBe('SIGKILL');
    const leftBehind = await h.tempFiles();
    expect(leftBehind.length).toBeGreaterThan(0);

    const b = child();
    await until(() => b.output().includes('workers started'), 'worker B to start');
    await until(async () => (await h.tempFiles()).length === 0, 'the dead worker temp files to be removed', 10_000);
    const job = await h.waitForJob(res.body.id, { timeoutMs: 30_000 });
    expect(job.state, JSON.stringify(job.error)).toBe('completed');
    expect(await h.tempFiles()).toEqual([]);
    b.process.kill('SIGTERM');
    expect(await b.exited).toBe(0);
  });

  it('a job that loses two workers in a row (SIGKILL) is taken over twice and completes with one archive', async () => {
    const body = Buffer.concat([solidPng(4, 4, [8, 8, 8]), randomBytes(MiB)]);
    const gate = stuckFile('/twice/part.png', body, 0, 2);
    const res = await h.request('POST', '/v1/zips', {
      body: { filename: 'twice', urls: [files.url('/twice/part.png')] },
    });
    expect(res.status).toBe(202);
    for (const run of [1, 2]) {
      const c = child();
      await until(() => gate.requests() === run, `run ${run} to start the download`, 30_000);
      c.process.kill('SIGKILL');
      expect(await c.exited).toBe('SIGKILL');
    }
    const last = child();
    const job = await h.waitForJob(res.body.id, { timeoutMs: 30_000 });
    // With BullMQ's default maxStalledCount of 1 the second stall failed the job.
    expect(job.state, JSON.stringify(job.error)).toBe('completed');
    expect(gate.requests()).toBe(3);
    expect(await zipKeys(res.body.id)).toHaveLength(1);
    last.process.kill('SIGTERM');
    expect(await last.exited).toBe(0);
  });

  it('a worker logs its effective settings at start and warns when no tenants are configured', async () => {
    const c = child({ FERRY_TENANTS: '', WORKER_CONCURRENCY: '3' });
    await until(() => c.output().includes('workers started'), 'the worker to start');
    await until(() => c.output().includes('no tenants configured'), 'the no-tenants warning');
    const lines = c
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const started = lines.find((l) => l.msg === 'workers started')!;
    expect(started).toMatchObject({
      queuePrefix: h.config.QUEUE_PREFIX,
      redis: expect.stringContaining('127.0.0.1'),
      s3: { endpoint: h.config.S3_ENDPOINT, bucket: h.config.S3_BUCKET },
      tenants: 0,
      concurrency: 3,
    });
    expect(JSON.stringify(started)).not.toContain('S3RVER'); // no credentials in the log
    expect(lines.some((l) => l.level === 40 && String(l.msg).includes('no tenants'))).toBe(true);
    c.process.kill('SIGTERM');
    expect(await c.exited).toBe(0);
  });
});
