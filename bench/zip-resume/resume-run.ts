import { readdir } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Queue } from 'bullmq';
import type { JobDocument } from '../../shared/jobs/job-document.js';
import { zipResultViewSchema, type ZipResultView } from '../../shared/jobs/zip.job.js';
import type { ObjectStore } from '../../shared/storage/object-store.js';
import type { BenchApi } from '../harness/bench-api.js';
import { progressLine } from '../harness/progress-line.js';
import { waitForJob } from '../harness/wait-for-job.js';
import { mbFromKb, mib, seconds } from '../measure/format.js';
import { readMemoryKb } from '../measure/proc-stats.js';
import type { FileServerProcess, FileServerServed } from '../synthetic/file-server-process.js';
import { syntheticFileUrls } from '../synthetic/synthetic-files.js';
import { checkFinalArchive } from './archive-entries.js';
import { openUploadIds, openUploads, uploadKey, type OpenUpload } from './open-uploads.js';
import { startWorkerGroup, waitForWorkers, type WorkerGroup } from './worker-group.js';

export interface RunSetup {
  files: number;
  fileBytes: number;
  /** Both workers' environment (stack, DOWNLOAD_CONCURRENCY, the short lock). */
  env: NodeJS.ProcessEnv;
  queue: Queue;
  api: BenchApi;
  store: ObjectStore;
  s3: S3Client;
  /** s3rver's folder: the open multipart uploads are read from it. */
  s3Directory: string;
  fileServer: FileServerProcess;
  /** The workers' TEMP_DIR: empty after each job. */
  tempDir: string;
  /** Where the archive is downloaded to be checked. */
  verifyPath: string;
  unzip: boolean;
  log(line: string): void;
  /** Registers the running workers so that an interrupted bench stops them. */
  onWorkers(workers: WorkerGroup[]): void;
}

export interface FullRun {
  /** From the job going active (BullMQ processedOn) to completed (finishedOn). */
  ms: number;
  /** From the first poll that saw every file done to completed: the last parts and CompleteMultipartUpload. */
  tailMs: number;
  archiveBytes: number;
  peakRssKb: number;
  problems: string[];
}

export interface CrashRun {
  /** From worker B picking the job up (its processedOn) to completed. */
  nextMs: number;
  /** As FullRun's: the part of nextMs that does not shrink with what B redoes. */
  tailMs: number;
  /** From the SIGKILL of worker A to completed. */
  killMs: number;
  /** From the SIGKILL to B picking the job up: the lock running out and the stalled-job check. */
  takeoverMs: number;
  /** A's part of the job (went active to the SIGKILL). */
  beforeKillMs: number;
  atKill: JobDocument['progress'];
  atEnd: JobDocument['progress'];
  /** What the file server sent while worker A ran, and after the kill (worker B). */
  servedByA: FileServerServed;
  servedAfterKill: FileServerServed;
  attempts: { atKill: number; atEnd: number };
  /** The job's multipart uploads open at the kill (A's), with the parts s3rver had received in full. */
  uploadsAtKill: OpenUpload[];
  /** Uploads for the job's key that B started (none when B keeps A's). */
  uploadsStartedByB: number;
  peakRssKbB: number;
  archiveBytes: number;
  problems: string[];
}

const POLL_MS = 50;

function jobTimeoutMs(bytes: number): number {
  // Generous: a tenth of s3rver's usual speed.
  return Math.max(120_000, (bytes / (8 * 1024 * 1024)) * 1000);
}

function zipResult(doc: JobDocument): ZipResultView {
  const parsed =
    doc.type === 'zip' && doc.state === 'completed' ? zipResultViewSchema.safeParse(doc.result) : undefined;
  if (!parsed?.success) {
    throw new Error(
      `job ${doc.id} ${doc.state}: ${doc.error ? `${doc.error.code}: ${doc.error.message}` : 'no zip result'}`,
    );
  }
  return parsed.data;
}

/** Remembers when a poll first saw every file of the job done (downloaded and written). */
function allFilesWatch(files: number) {
  let at: number | undefined;
  return {
    onPoll: (d: JobDocument) => {
      if (at === undefined && d.progress.filesDone + d.progress.filesFailed >= files) at = Date.now();
    },
    tailTo: (finishedAt: string | undefined) => (at && finishedAt ? Date.parse(finishedAt) - at : NaN),
  };
}

const msBetween = (from: string | undefined, to: string | undefined) =>
  from && to ? Date.parse(to) - Date.parse(from) : NaN;

async function postJob(s: RunSetup, filename: string): Promise<string> {
  return s.api.postZip({
    filename,
    urls: syntheticFileUrls(s.fileServer.origin, s.files, 'binary'),
    options: { compression: 'store' },
  });
}

/**
 * Checks the archive (with `readBack`, every entry's bytes and `unzip -t` too) and the temp dir, then deletes the
 * archive (the next run's job writes its own).
 */
async function checkAndDelete(s: RunSetup, result: ZipResultView, readBack = true): Promise<string[]> {
  const check = await checkFinalArchive({
    readBack,
    store: s.store,
    s3: s.s3,
    result,
    files: s.files,
    fileBytes: s.fileBytes,
    path: s.verifyPath,
    unzip: s.unzip,
  });
  const left = await readdir(s.tempDir);
  if (left.length > 0)
    check.problems.push(`${left.length} temp entries left in TEMP_DIR: ${left.slice(0, 3).join(', ')}`);
  for (const line of [...check.notes, ...check.problems.map((p) => `PROBLEM: ${p}`)]) s.log(`  ${line}`);
  await s.store.delete(result.key);
  return check.problems;
}

/** The job on one worker from start to end: T_full. */
export async function runFull(s: RunSetup, { readBack }: { readBack: boolean }): Promise<FullRun> {
  const worker = startWorkerGroup('worker', s.env);
  s.onWorkers([worker]);
  const allFiles = allFilesWatch(s.files);
  let doc: JobDocument;
  let peakRssKb: number;
  try {
    await waitForWorkers(s.queue, 1, worker);
    const t0 = Date.now();
    const id = await postJob(s, 'resume-bench-full');
    s.log(`job ${id} on worker pid ${worker.pid}`);
    doc = await waitForJob(s.api, id, {
      timeoutMs: jobTimeoutMs(s.files * s.fileBytes),
      pollMs: POLL_MS,
      onPoll: allFiles.onPoll,
      onProgress: (d) => s.log(progressLine(d, t0, worker.pid)),
      abandonIf: () => (worker.hasExited() ? 'the worker process exited' : undefined),
    });
    peakRssKb = readMemoryKb(worker.pid).peak;
  } finally {
    await worker.stop();
    s.onWorkers([]);
  }
  const result = zipResult(doc);
  const ms = msBetween(doc.startedAt, doc.finishedAt);
  const tailMs = allFiles.tailTo(doc.finishedAt);
  const problems: string[] = [];
  if (doc.attempts !== 1) problems.push(`the full run's job started ${doc.attempts} times (its lock was lost)`);
  s.log(
    `  completed in ${seconds(ms)} s (${seconds(tailMs)} s of it after the last file was in), archive ${mib(result.size)} MiB, worker peak RSS ${mbFromKb(peakRssKb)} MB`,
  );
  problems.push(...(await checkAndDelete(s, result, readBack)));
  return { ms, tailMs, archiveBytes: result.size, peakRssKb, problems };
}

/** Polls the job until `filesDone` reaches `killFiles` while it is active; fails if it ends first. */
async function waitForKillPoint(s: RunSetup, id: string, killFiles: number, worker: WorkerGroup, t0: number) {
  const deadline = Date.now() + jobTimeoutMs(s.files * s.fileBytes);
  let lastLog = Date.now();
  for (;;) {
    const doc = await s.api.getJob(id);
    if (doc.state === 'active' && doc.progress.filesDone >= killFiles) return doc;
    if (doc.state !== 'active' && doc.state !== 'queued') {
      throw new Error(`job ${id} ended (${doc.state}) before ${killFiles} files were done`);
    }
    if (worker.hasExited()) throw new Error(`${worker.name} exited before the kill point`);
    if (Date.now() > deadline) throw new Error(`job ${id}: ${killFiles} files not done in time`);
    if (Date.now() - lastLog >= 2000) {
      lastLog = Date.now();
      s.log(progressLine(doc, t0, worker.pid));
    }
    await sleep(POLL_MS);
  }
}

/**
 * Notices multipart uploads for the job that were not open at the kill: B starting over. `look()` reads s3rver's
 * folder (at most one look at a time); `count()` waits for the look in progress and answers.
 */
function watchNewUploads(s: RunSetup, jobId: string, known: Set<string>) {
  const started = new Set<string>();
  let looking: Promise<void> | undefined;
  const lookOnce = async () => {
    for (const uploadId of await openUploadIds(s.s3Directory, s.store.bucket)) {
      if (known.has(uploadId)) continue;
      known.add(uploadId);
      const key = await uploadKey(s.s3Directory, s.store.bucket, uploadId);
      if (key?.includes(`/${jobId}/`)) started.add(uploadId);
    }
  };
  const look = () => {
    looking ??= lookOnce()
      .catch((err: unknown) => s.log(`  (could not read s3rver's uploads: ${(err as Error).message})`))
      .finally(() => (looking = undefined));
    return looking;
  };
  return {
    look: () => void look(),
    async count() {
      await looking;
      return started.size;
    },
  };
}

const minus = (a: FileServerServed, b: FileServerServed): FileServerServed => ({
  requests: a.requests - b.requests,
  bytes: a.bytes - b.bytes,
});

/**
 * A new job on the same files: worker A until `killAt` of the files are done, then SIGKILL to A's process group
 * and worker B started at once; B takes the job over once A's lock has expired.
 */
export async function runCrash(s: RunSetup, killAt: number, label: string): Promise<CrashRun> {
  const killFiles = Math.ceil(killAt * s.files);
  const a = startWorkerGroup('worker A', s.env);
  const workers: WorkerGroup[] = [a];
  const allFiles = allFilesWatch(s.files);
  s.onWorkers(workers);
  let doc: JobDocument;
  let atKill: JobDocument;
  let tKill: number;
  let servedAtStart: FileServerServed;
  let servedAtKill: FileServerServed;
  let servedAtEnd: FileServerServed;
  let peakRssKbB: number;
  let uploadsAtKill: OpenUpload[];
  let uploadsStartedByB: number;
  let b: WorkerGroup | undefined;
  try {
    await waitForWorkers(s.queue, 1, a);
    servedAtStart = await s.fileServer.served();
    const t0 = Date.now();
    const id = await postJob(s, `resume-bench-${label}`);
    s.log(`job ${id} on worker A (pid ${a.pid}); SIGKILL at ${killFiles}/${s.files} files`);
    atKill = await waitForKillPoint(s, id, killFiles, a, t0);
    tKill = Date.now();
    a.crash();
    b = startWorkerGroup('worker B', s.env);
    workers.push(b);
    servedAtKill = await s.fileServer.served();
    const killed = await a.exited;
    uploadsAtKill = await openUploads(s.s3Directory, s.store.bucket, (key) => key.includes(`/${id}/`));
    s.log(
      `  SIGKILL to worker A's group at ${atKill.progress.filesDone}/${s.files} files, ${mib(atKill.progress.bytesDownloaded)} MiB downloaded (A ended by ${killed.signal ?? killed.code}); worker B (pid ${b.pid}) started`,
    );
    s.log(
      `  open uploads for the job at the kill: ${uploadsAtKill.map((u) => `${u.parts} parts, ${mib(u.bytes)} MiB`).join('; ') || 'none'}`,
    );
    const bRef = b;
    const newUploads = watchNewUploads(s, id, new Set(uploadsAtKill.map((u) => u.uploadId)));
    let lastLog = Date.now();
    doc = await waitForJob(s.api, id, {
      timeoutMs: jobTimeoutMs(s.files * s.fileBytes),
      pollMs: POLL_MS,
      onPoll: allFiles.onPoll,
      progressEveryMs: 100,
      onProgress: (d) => {
        newUploads.look();
        if (Date.now() - lastLog < 2000) return;
        lastLog = Date.now();
        s.log(progressLine(d, t0, bRef.pid));
      },
      abandonIf: () => (bRef.hasExited() ? 'worker B exited' : undefined),
    });
    uploadsStartedByB = await newUploads.count();
    servedAtEnd = await s.fileServer.served();
    peakRssKbB = readMemoryKb(b.pid).peak;
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    s.onWorkers([]);
  }
  const result = zipResult(doc);
  const problems: string[] = [];
  if (doc.attempts <= atKill.attempts || doc.startedAt === atKill.startedAt) {
    problems.push(`no takeover seen: attempts ${atKill.attempts} -> ${doc.attempts}, startedAt unchanged`);
  }
  const run: CrashRun = {
    nextMs: msBetween(doc.startedAt, doc.finishedAt),
    tailMs: allFiles.tailTo(doc.finishedAt),
    killMs: doc.finishedAt ? Date.parse(doc.finishedAt) - tKill : NaN,
    takeoverMs: doc.startedAt ? Date.parse(doc.startedAt) - tKill : NaN,
    beforeKillMs: atKill.startedAt ? tKill - Date.parse(atKill.startedAt) : NaN,
    atKill: atKill.progress,
    atEnd: doc.progress,
    servedByA: minus(servedAtKill, servedAtStart),
    servedAfterKill: minus(servedAtEnd, servedAtKill),
    attempts: { atKill: atKill.attempts, atEnd: doc.attempts },
    uploadsAtKill,
    uploadsStartedByB,
    peakRssKbB,
    archiveBytes: result.size,
    problems,
  };
  s.log(
    `  completed ${seconds(run.killMs)} s after the kill: taken over after ${seconds(run.takeoverMs)} s, then ${seconds(run.nextMs)} s on B (${seconds(run.tailMs)} s of it after the last file was in); B downloaded ${run.servedAfterKill.requests} files, ${mib(run.servedAfterKill.bytes)} MiB; B ${uploadsStartedByB === 0 ? "kept A's multipart upload" : `started ${uploadsStartedByB} new multipart upload(s)`}; B peak RSS ${mbFromKb(peakRssKbB)} MB`,
  );
  problems.push(...(await checkAndDelete(s, result)));
  return run;
}
