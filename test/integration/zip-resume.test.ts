import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { deflateRawSync } from 'node:zlib';
import { ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { until } from '../../fixtures/until.js';
import { entryRecord } from '../../worker/zip/resume-point.js';
import { ZipCheckpoints, type ZipCheckpoint } from '../../worker/zip/zip-checkpoints.js';
import { localHeader } from '../../worker/zip/zip-records.js';
import { startChildWorker, type ChildWorker } from '../helpers/child-worker.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { startS3Proxy, type S3Proxy } from '../helpers/s3-proxy.js';
import { readZip } from '../helpers/zip-reader.js';

const MiB = 1024 * 1024;
/** Written before the kill; the rest are held back until worker A is dead. */
const READY = 11;
const HELD = 3;

let h: Harness;
let files: FileServer;
let proxy: S3Proxy;
let checkpoints: ZipCheckpoints;
const children: ChildWorker[] = [];
const parked = new Set<ServerResponse>();

beforeAll(async () => {
  [h, files] = await Promise.all([
    startHarness({
      workers: false,
      // Random bytes are no known type.
      limitsA: { allowedTypes: ['*/*'] },
      env: {
        DOWNLOAD_CONCURRENCY: '2',
        WORKER_LOCK_DURATION_MS: '2000',
        WORKER_STALLED_INTERVAL_MS: '1000',
        FETCH_IDLE_TIMEOUT_MS: '60000',
      },
    }),
    startFileServer(),
  ]);
  proxy = await startS3Proxy(h.stack.s3Endpoint);
  checkpoints = new ZipCheckpoints(h.clients.redis, h.config.QUEUE_PREFIX, 600);
});
// Each test's job must be taken by its own worker B, not by the one of the test before.
afterEach(async () => {
  const running = children.splice(0);
  for (const c of running) c.process.kill('SIGKILL');
  await Promise.all(running.map((c) => c.exited));
});
afterAll(async () => {
  for (const res of parked) res.destroy();
  await Promise.all([h?.close(), files?.close(), proxy?.close()]);
});

/** A worker process whose S3 requests go through the recording proxy. */
function child(env: Record<string, string> = {}): ChildWorker {
  const c = startChildWorker({ ...h.env, S3_ENDPOINT: proxy.endpoint, ...env });
  children.push(c);
  return c;
}

/** 3.5 MiB and a bit (no two the same size, so no entry ends exactly on a part boundary by design). */
function makeBody(kind: 'store' | 'deflate', i: number): Buffer {
  const raw = randomBytes(Math.round(3.5 * MiB) + i * 1013);
  // Base64 of random bytes: text that deflate shrinks to about 3/4, so parts hold deflated bytes.
  return kind === 'store' ? raw : Buffer.from(raw.toString('base64').slice(0, raw.length));
}

/** Serves `ready` at once and holds `held` back (no answer) until `release()`. */
function serve(prefix: string, ready: Buffer[], held: Buffer[]) {
  let released = false;
  const waiting: (() => void)[] = [];
  const paths = [...ready, ...held].map((_, i) => `${prefix}/${String(i).padStart(2, '0')}.bin`);
  const bodies = [...ready, ...held];
  paths.forEach((path, i) =>
    files.route(path, (_req, res) => {
      const send = () => {
        parked.delete(res);
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bodies[i]!.length });
        res.end(bodies[i]);
      };
      if (i < ready.length || released) return send();
      parked.add(res);
      waiting.push(send);
    }),
  );
  return {
    paths,
    bodies,
    /** Serves other bytes at every path from now on (the files changed between the runs). */
    replace(next: Buffer[]) {
      next.forEach((b, i) => (bodies[i] = b));
    },
    release() {
      released = true;
      for (const send of waiting.splice(0)) send();
    },
  };
}

async function jobState(id: string) {
  const res = await h.request('GET', `/v1/jobs/${id}`);
  return res.body as { state: string; progress?: { filesDone: number } };
}

/** Archive bytes the first `n` entries take: local header (30 + name) and the bytes as stored. */
function archivedBytes(names: string[], bodies: Buffer[], kind: 'store' | 'deflate'): number {
  return names.reduce((sum, name, i) => {
    const data = kind === 'store' ? bodies[i]! : deflateRawSync(bodies[i]!, { level: 6 });
    return sum + 30 + Buffer.byteLength(name) + data.length;
  }, 0);
}

const entryEnd = (e: ZipCheckpoint['entries'][number]) =>
  e.offset + localHeader(entryRecord(e)).length + e.compressedSize;

/**
 * Posts a zip of READY + HELD files, lets worker A write the READY ones, waits until its checkpoint holds every
 * full part they fill, stops it with `signal` (SIGTERM: after a 1 s shutdown deadline), and returns the checkpoint
 * it left.
 */
async function killMidJob(
  kind: 'store' | 'deflate',
  prefix: string,
  signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL',
  order: 'completion' | 'input' = 'completion',
) {
  const ready = Array.from({ length: READY }, (_, i) => makeBody(kind, i));
  const held = Array.from({ length: HELD }, (_, i) => makeBody(kind, READY + i));
  const served = serve(prefix, ready, held);
  const names = served.paths.map((p) => p.slice(p.lastIndexOf('/') + 1));
  const a = child({ WORKER_SHUTDOWN_TIMEOUT_MS: '1000' });
  await until(() => a.output().includes('workers started'), 'worker A to start');
  const res = await h.request('POST', '/v1/zips', {
    body: {
      filename: `resume-${kind}`,
      urls: served.paths.map((p) => files.url(p)),
      options: { compression: kind, order },
    },
  });
  expect(res.status).toBe(202);
  const jobId = res.body.id as string;
  // Completion order may differ from input order, but the first READY entries are the READY files.
  const bytes = archivedBytes(names.slice(0, READY), ready, kind);
  let cp: ZipCheckpoint | undefined;
  await until(
    async () => {
      cp = await checkpoints.load(jobId);
      const state = await jobState(jobId);
      return (
        cp !== undefined && state.progress?.filesDone === READY && cp.parts.length === Math.floor(bytes / cp.partSize)
      );
    },
    'worker A to checkpoint every full part of the ready files',
    60_000,
  );
  a.process.kill(signal);
  expect(await a.exited).toBe(signal === 'SIGKILL' ? 'SIGKILL' : 0);
  const left = (await checkpoints.load(jobId))!;
  expect(left.parts.length).toBeGreaterThanOrEqual(3);
  return { jobId, served, names, left, a, key: `tenant-a/zips/${jobId}/resume-${kind}.zip` };
}

async function openUploads(key: string) {
  const out = await h.clients.s3.send(new ListMultipartUploadsCommand({ Bucket: h.config.S3_BUCKET, Prefix: key }));
  return out.Uploads ?? [];
}

async function archives(jobId: string) {
  const out = await h.clients.s3.send(
    new ListObjectsV2Command({ Bucket: h.config.S3_BUCKET, Prefix: `tenant-a/zips/${jobId}/` }),
  );
  return (out.Contents ?? []).map((o) => o.Key);
}

/** UploadPart requests the proxy saw for `uploadId`, by part number. */
function partUploads(uploadId: string): Map<number, number> {
  const counts = new Map<number, number>();
  for (const r of proxy.requests()) {
    const q = new URL(r.path, 'http://s3').searchParams;
    if (r.method !== 'PUT' || q.get('uploadId') !== uploadId || !q.has('partNumber')) continue;
    const n = Number(q.get('partNumber'));
    counts.set(n, (counts.get(n) ?? 0) + 1);
  }
  return counts;
}

/** Starts worker B, waits for the job to complete, checks B's log, and reads the archive (three readers). */
async function completeOnB(jobId: string, says: string, served: { bodies: Buffer[] }, names: string[]) {
  const b = child();
  const job = await h.waitForJob(jobId, { timeoutMs: 90_000 });
  expect(job.state, JSON.stringify(job.error)).toBe('completed');
  expect(b.output()).toContain(says);
  const read = await readZip((await h.download(job.result.downloadUrl)).body);
  expect(read.map((e) => e.name).sort()).toEqual([...names].sort());
  for (const e of read) expect(e.data.equals(served.bodies[names.indexOf(e.name)]!), e.name).toBe(true);
  return read;
}

describe('zip jobs resume after a crash', () => {
  it.each([
    ['store', 'completion'],
    ['deflate', 'completion'],
    ['store', 'input'],
  ] as const)(
    'a %s job (%s order) taken over after SIGKILL keeps its upload: the checkpointed parts are not uploaded again, and the archive is whole',
    async (kind, order) => {
      const { jobId, served, names, left, key } = await killMidJob(kind, `/resume-${kind}-${order}`, 'SIGKILL', order);
      const cutAt = left.parts.length * left.partSize;
      const complete = left.entries.filter((e) => entryEnd(e) <= cutAt);
      const cut = left.entries.find((e) => entryEnd(e) > cutAt);
      // The checkpoint ends inside an entry: the resumed run writes it again from the cut on.
      expect(cut).toBeDefined();

      served.release();
      // Every entry byte for byte (yauzl, Java's ZipInputStream, unzip -t), in one archive.
      const read = await completeOnB(jobId, 'resuming the archive from its checkpoint', served, names);
      expect(await archives(jobId)).toEqual([key]);
      expect(read.every((e) => e.compressionMethod === (kind === 'store' ? 0 : 8))).toBe(true);
      // In input order, the resumed run goes on where the first stopped: the cut entry, then the rest in order.
      if (order === 'input') expect(read.map((e) => e.name)).toEqual(names);

      // The parts before the checkpoint went up once, from worker A; one upload was ever started for the key.
      const uploads = partUploads(left.uploadId);
      for (let p = 1; p <= left.parts.length; p++) expect(uploads.get(p), `part ${p}`).toBe(1);
      expect(Math.max(...uploads.keys())).toBeGreaterThan(left.parts.length);
      const created = proxy.requests().filter((r) => r.method === 'POST' && r.path.includes(`${key}?uploads`));
      expect(created).toHaveLength(1);

      // Files complete in the checkpoint were downloaded once; the cut one twice.
      for (const e of complete) expect(files.hits(served.paths[e.index]!), e.name).toBe(1);
      expect(files.hits(served.paths[cut!.index]!)).toBe(2);
      expect(await openUploads(key)).toEqual([]);
      expect(await checkpoints.load(jobId)).toBeUndefined();
    },
    150_000,
  );

  it('a job handed back at the shutdown deadline (SIGTERM) keeps its upload, and the next worker resumes it', async () => {
    const { jobId, served, names, left, a, key } = await killMidJob('store', '/resume-sigterm', 'SIGTERM');
    expect(a.output()).toContain('upload kept for the next run to resume');
    expect(await openUploads(key)).toHaveLength(1);
    served.release();
    await completeOnB(jobId, 'resuming the archive from its checkpoint', served, names);
    const uploads = partUploads(left.uploadId);
    for (let p = 1; p <= left.parts.length; p++) expect(uploads.get(p), `part ${p}`).toBe(1);
    expect(await openUploads(key)).toEqual([]);
  }, 150_000);

  it('starts over when the cut entry is not the file it was (the URL serves other bytes now)', async () => {
    const { jobId, served, names, left, key } = await killMidJob('store', '/resume-changed');
    served.replace(served.bodies.map((b, i) => makeBody('store', i + 100)));
    served.release();
    await completeOnB(jobId, 'the checkpoint cannot be continued: starting over', served, names);
    // The old upload was aborted and a new one completed.
    expect(await openUploads(key)).toEqual([]);
    expect(partUploads(left.uploadId).size).toBeGreaterThan(0);
    expect(await archives(jobId)).toEqual([key]);
    expect(await checkpoints.load(jobId)).toBeUndefined();
  }, 150_000);
});
