import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Queue } from 'bullmq';
import type { TsChild } from '../../fixtures/child-process.js';
import type { JobDocument } from '../../shared/jobs/job-document.js';
import { zipResultViewSchema } from '../../shared/jobs/zip.job.js';
import type { ObjectStore } from '../../shared/storage/object-store.js';
import { runBaseline, type BaselineResult } from '../baselines/baseline-runner.js';
import type { BenchApi } from '../harness/bench-api.js';
import { progressLine } from '../harness/progress-line.js';
import { waitForJob } from '../harness/wait-for-job.js';
import { startCpuMeter, type CpuSample } from '../measure/cpu-meter.js';
import {
  nowUs,
  profileThisProcess,
  readMainThreadProfile,
  summarizeProfile,
  type CpuProfile,
} from '../measure/cpu-profile.js';
import { mbFromKb, mib, mibPerSecond, seconds } from '../measure/format.js';
import { readCommandLine, readMemoryKb } from '../measure/proc-stats.js';
import { startWorkerProcess } from '../processes/worker-process.js';
import { syntheticFileUrls, type SyntheticKind } from '../synthetic/synthetic-files.js';
import { checkArchive } from './archive-check.js';

/** Parts in flight of the upload-only baseline and the peers (lib-storage Upload queueSize): the recipe's setting. */
export const UPLOAD_QUEUE_SIZE = 4;

export interface RoundSetup {
  label: string;
  files: number;
  fileBytes: number;
  /** Which synthetic files: incompressible `binary` ones, or `text`. */
  set: SyntheticKind;
  compression: 'store' | 'deflate';
  /** Also run the peers (bench/peers/) on the same files, after the job. */
  peers: boolean;
  /** Where the seed peer puts its temp folder. */
  peerTempDir: string;
  concurrency: number;
  /** The multipart part size the zip job will choose (partSizeFor(maxArchiveBytes(...)) for this job). */
  partSize: number;
  fileServer: { origin: string; pid: number };
  /** Environment of the worker and of the baseline processes (stack endpoints, bucket, queue prefix...). */
  childEnv: NodeJS.ProcessEnv;
  queue: Queue;
  api: BenchApi;
  store: ObjectStore;
  tempDir: string;
  unzipIn?: string;
  /** Set: CPU-profile the worker (--cpu-prof, written here) and this process during the job. */
  profileDir?: string;
  log(line: string): void;
  /** Registers the running worker so an interrupted bench can stop it. */
  onWorker(worker: TsChild | undefined): void;
}

export interface PhaseMeasure {
  sample: CpuSample;
  /** CPU ms of the process doing the transfer: the baseline child or the worker. */
  clientCpuMs: number;
}

/** A peer zip measured in the same round (bench/peers/). */
export interface PeerResult {
  name: string;
  ms: number;
  cpuMs: number;
  peakRssKb: number;
  archiveBytes: number;
}

export interface RoundResult {
  label: string;
  compression: 'store' | 'deflate';
  files: number;
  bytes: number;
  download: BaselineResult & PhaseMeasure;
  upload: BaselineResult & PhaseMeasure;
  job?: PhaseMeasure & { ms: number; pickupMs: number; archiveBytes: number; idleRssKb: number; peakRssKb: number };
  ratio?: number;
  peers: PeerResult[];
  /** Why the job failed, if it did. */
  failed?: string;
  problems: string[];
  notes: string[];
  /** Profile summaries, with --profile. */
  profile: string[];
}

async function measureBaselines(s: RoundSetup, bytes: number) {
  s.log(`download baseline: ${s.files} files, ${s.concurrency} at a time, got -> discard`);
  const others = { fileServer: s.fileServer.pid, bench: 'self' } as const;
  const dl = await runBaseline(
    { kind: 'download', origin: s.fileServer.origin, files: s.files, concurrency: s.concurrency, set: s.set },
    s.childEnv,
    others,
  );
  if (dl.bytes !== bytes) throw new Error(`download baseline got ${dl.bytes} bytes, expected ${bytes}`);
  s.log(`  ${seconds(dl.ms)} s, ${mibPerSecond(bytes, dl.ms)} MiB/s`);

  const key = `bench/upload-baseline-${s.label}.bin`;
  s.log(
    `upload baseline: ${mib(bytes)} MiB generated -> lib-storage Upload, part ${mib(s.partSize)} MiB, queueSize ${UPLOAD_QUEUE_SIZE}`,
  );
  const up = await runBaseline(
    { kind: 'upload', key, bytes, partSize: s.partSize, queueSize: UPLOAD_QUEUE_SIZE },
    s.childEnv,
    others,
  );
  const head = await s.store.head(key);
  if (head?.size !== bytes) throw new Error(`upload baseline stored ${head?.size} bytes, expected ${bytes}`);
  await s.store.delete(key);
  s.log(`  ${seconds(up.ms)} s, ${mibPerSecond(bytes, up.ms)} MiB/s`);
  return {
    download: { ...dl, clientCpuMs: dl.cpuMs },
    upload: { ...up, clientCpuMs: up.cpuMs },
  };
}

const PEERS = [
  { kind: 'recipe', name: 'recipe: got -> archiver -> lib-storage' },
  { kind: 'seed', name: 'seed: temp dir, zip, upload the file' },
] as const;

/** The peers on the same files, one after the other, each in a child process like the baselines. */
async function measurePeers(s: RoundSetup): Promise<PeerResult[]> {
  const out: PeerResult[] = [];
  for (const peer of PEERS) {
    const key = `bench/peer-${peer.kind}-${s.label}.zip`;
    const name = peer.kind === 'seed' ? `${peer.name} (zip ${s.compression === 'store' ? '-0' : '-6'})` : peer.name;
    s.log(`${name}: ${s.files} files, ${s.concurrency} downloads at a time, queueSize ${UPLOAD_QUEUE_SIZE}`);
    const r = await runBaseline(
      {
        kind: peer.kind,
        origin: s.fileServer.origin,
        files: s.files,
        set: s.set,
        concurrency: s.concurrency,
        store: s.compression === 'store',
        key,
        partSize: s.partSize,
        queueSize: UPLOAD_QUEUE_SIZE,
        tempDir: s.peerTempDir,
      },
      s.childEnv,
      { fileServer: s.fileServer.pid, bench: 'self' },
    );
    const head = await s.store.head(key);
    if (head?.size !== r.bytes) throw new Error(`${peer.kind} peer stored ${head?.size} bytes, expected ${r.bytes}`);
    await s.store.delete(key);
    s.log(`  ${seconds(r.ms)} s, archive ${mib(r.bytes)} MiB, peak RSS ${mbFromKb(r.peakRssKb)} MB`);
    out.push({ name, ms: r.ms, cpuMs: r.cpuMs, peakRssKb: r.peakRssKb, archiveBytes: r.bytes });
  }
  if (s.compression === 'deflate') {
    // What parallel compression buys, without the network: ferry's deflateFile over the same files on disk.
    for (const parallel of [1, s.concurrency]) {
      const name = `deflate alone (files on disk), ${parallel} at a time`;
      s.log(`${name}`);
      const r = await runBaseline(
        { kind: 'deflate-alone', origin: s.fileServer.origin, files: s.files, parallel, tempDir: s.peerTempDir },
        s.childEnv,
        { fileServer: s.fileServer.pid, bench: 'self' },
      );
      s.log(`  ${seconds(r.ms)} s, ${mib(r.bytes)} MiB out`);
      out.push({ name, ms: r.ms, cpuMs: r.cpuMs, peakRssKb: r.peakRssKb, archiveBytes: r.bytes });
    }
  }
  return out;
}

/**
 * One measured round: the two baselines, then the zip job through the API and a fresh worker process (so its
 * VmHWM is this job's peak), then the archive checks.
 */
export async function runRound(s: RoundSetup): Promise<RoundResult> {
  const bytes = s.files * s.fileBytes;
  const { download, upload } = await measureBaselines(s, bytes);
  const round: RoundResult = {
    label: s.label,
    compression: s.compression,
    peers: [],
    files: s.files,
    bytes,
    download,
    upload,
    problems: [],
    notes: [],
    profile: [],
  };

  const workerProfileDir = s.profileDir && join(s.profileDir, s.label);
  const nodeArgs = workerProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${workerProfileDir}`] : [];
  s.log(`starting the worker (node ${[...nodeArgs, 'dist/worker/main.js'].join(' ')})`);
  const worker = await startWorkerProcess(s.childEnv, s.queue, { nodeArgs });
  s.onWorker(worker);
  let doc: JobDocument;
  let sample: CpuSample;
  let t0: number;
  let idleRssKb: number;
  let peakRssKb: number;
  let window: { fromUs: number; toUs: number };
  let benchProfile: CpuProfile | undefined;
  try {
    idleRssKb = readMemoryKb(worker.pid).rss;
    s.log(`  worker pid ${worker.pid}: ${readCommandLine(worker.pid)}; idle RSS ${mbFromKb(idleRssKb)} MB`);
    s.log(
      `zip job: ${s.files} ${s.set} URLs, compression "${s.compression}", DOWNLOAD_CONCURRENCY=${s.concurrency}, WORKER_CONCURRENCY=1`,
    );
    const stopProfile = s.profileDir ? await profileThisProcess() : undefined;
    const stop = startCpuMeter({
      worker: worker.pid,
      workerMainThread: { mainThreadOf: worker.pid },
      fileServer: s.fileServer.pid,
      bench: 'self',
      benchMainThread: { mainThreadOf: process.pid },
    });
    const fromUs = nowUs();
    t0 = Date.now();
    const id = await s.api.postZip({
      filename: `bench-${s.label}`,
      urls: syntheticFileUrls(s.fileServer.origin, s.files, s.set),
      options: { compression: s.compression },
    });
    doc = await waitForJob(s.api, id, {
      // Generous: a tenth of s3rver's usual speed.
      timeoutMs: Math.max(120_000, (bytes / (8 * 1024 * 1024)) * 1000),
      onProgress: (d) => s.log(progressLine(d, t0, worker.pid)),
      abandonIf: () => (worker.hasExited() ? 'the worker process exited' : undefined),
    });
    sample = stop();
    window = { fromUs, toUs: nowUs() };
    peakRssKb = readMemoryKb(worker.pid).peak;
    benchProfile = await stopProfile?.();
  } finally {
    await worker.stop();
    s.onWorker(undefined);
  }
  if (workerProfileDir) {
    const workerProfile = await readMainThreadProfile(workerProfileDir, worker.pid);
    round.profile.push(`worker main thread CPU profile, job window only (${workerProfileDir}):`);
    round.profile.push(...(workerProfile ? summarizeProfile(workerProfile, window) : ['  (no profile written)']));
  }
  if (workerProfileDir && benchProfile) {
    const file = join(workerProfileDir, 'bench-process.cpuprofile');
    await writeFile(file, JSON.stringify(benchProfile));
    round.profile.push(
      `bench process CPU profile, s3rver + dynalite + API (${file}):`,
      ...summarizeProfile(benchProfile),
    );
  }

  const zip = doc.type === 'zip' && doc.state === 'completed' ? zipResultViewSchema.safeParse(doc.result) : undefined;
  const result = zip?.success ? zip.data : undefined;
  if (!result) {
    round.failed = `job ${doc.id} ${doc.state}: ${doc.error ? `${doc.error.code}: ${doc.error.message}` : 'no zip result'}`;
    return round;
  }
  // finishedAt is BullMQ's finishedOn (ms, same clock): exact, unlike the moment a poll noticed it.
  const ms = Date.parse(doc.finishedAt!) - t0;
  const pickupMs = Date.parse(doc.startedAt!) - t0;
  round.job = {
    ms,
    pickupMs,
    archiveBytes: result.size,
    idleRssKb,
    peakRssKb,
    sample,
    clientCpuMs: sample.cpuMs.worker!,
  };
  round.ratio = ms / Math.max(download.ms, upload.ms);
  s.log(
    `  completed in ${seconds(ms)} s (picked up after ${pickupMs} ms), archive ${mib(result.size)} MiB, peak RSS ${mbFromKb(peakRssKb)} MB`,
  );

  if (s.peers) round.peers = await measurePeers(s);
  const check = await checkArchive(s.store, result, { entries: s.files, entryBytes: s.fileBytes, unzipIn: s.unzipIn });
  round.problems.push(...check.problems);
  round.notes.push(...check.notes);
  const left = await readdir(s.tempDir);
  if (left.length > 0)
    round.problems.push(`${left.length} temp entries left in TEMP_DIR: ${left.slice(0, 3).join(', ')}`);
  await s.store.delete(result.key);
  for (const line of [...check.notes, ...round.problems.map((p) => `PROBLEM: ${p}`)]) s.log(`  ${line}`);
  return round;
}
