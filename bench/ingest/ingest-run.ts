import type { TsChild } from '../../fixtures/child-process.js';
import { ingestJobResultSchema, type IngestItem } from '../../shared/jobs/ingest.job.js';
import type { JobDocument } from '../../shared/jobs/job-document.js';
import type { BenchApi } from '../harness/bench-api.js';
import type { Log } from '../harness/bench-session.js';
import { progressLine } from '../harness/progress-line.js';
import { waitForJob } from '../harness/wait-for-job.js';
import { startCpuMeter, type CpuSample } from '../measure/cpu-meter.js';
import { nowUs, profileThisProcess, type CpuProfile } from '../measure/cpu-profile.js';
import { seconds } from '../measure/format.js';
import { readMemoryKb } from '../measure/proc-stats.js';
import type { FileServerProcess } from '../synthetic/file-server-process.js';

export interface IngestRunSetup {
  label: string;
  urls: string[];
  api: BenchApi;
  worker: TsChild;
  fileServer: FileServerProcess;
  timeoutMs: number;
  /** CPU-profile this process (s3rver, dynalite, the API) during the job. */
  profileBench?: boolean;
  log: Log;
}

export interface IngestRunResult {
  label: string;
  urls: number;
  doc: JobDocument;
  /** POST -> finishedAt: what a client waits. */
  wallMs: number;
  /** startedAt -> finishedAt: the worker's time on the job. */
  jobMs: number;
  /** POST -> startedAt. */
  pickupMs: number;
  sample: CpuSample;
  /** Requests the file server received from the POST until the job had finished. */
  fileServerRequests: number;
  /** The worker's VmHWM once the job had finished: its peak since it started. */
  workerPeakRssKb: number;
  /** The result's items when the job completed. */
  items?: IngestItem[];
  /** Why the job did not complete, if it did not. */
  failed?: string;
  /** From the POST to the job's end, on the clock of V8's profiles (to cut the worker's profile to this job). */
  window: { fromUs: number; toUs: number };
  benchProfile?: CpuProfile;
}

/**
 * One ingest job of `urls` through the API and the running worker: wall and job time (BullMQ's timestamps,
 * exact to the ms), the CPU of each process, the requests the file server saw meanwhile and the worker's peak RSS.
 */
export async function runIngestJob(s: IngestRunSetup): Promise<IngestRunResult> {
  const hitsBefore = await s.fileServer.hits();
  const stopProfile = s.profileBench ? await profileThisProcess() : undefined;
  const stop = startCpuMeter({
    worker: s.worker.pid,
    workerMainThread: { mainThreadOf: s.worker.pid },
    fileServer: s.fileServer.pid,
    bench: 'self',
  });
  const fromUs = nowUs();
  const t0 = Date.now();
  const id = await s.api.postIngest({ urls: s.urls });
  s.log(`  posted ${s.urls.length} URLs as ${id}`);
  const doc = await waitForJob(s.api, id, {
    timeoutMs: s.timeoutMs,
    // Times come from BullMQ's timestamps, not from when a poll noticed: polling faster would only load the
    // bench process, which also runs dynalite and s3rver.
    pollMs: 100,
    onProgress: (d) => s.log(progressLine(d, t0, s.worker.pid)),
    progressEveryMs: 1000,
    abandonIf: () => (s.worker.hasExited() ? 'the worker process exited' : undefined),
  });
  const sample = stop();
  const window = { fromUs, toUs: nowUs() };
  const benchProfile = await stopProfile?.();
  const fileServerRequests = (await s.fileServer.hits()) - hitsBefore;
  const workerPeakRssKb = readMemoryKb(s.worker.pid).peak;
  const finished = Date.parse(doc.finishedAt ?? '');
  const started = Date.parse(doc.startedAt ?? '');
  const result: IngestRunResult = {
    label: s.label,
    urls: s.urls.length,
    doc,
    wallMs: finished - t0,
    jobMs: finished - started,
    pickupMs: started - t0,
    sample,
    fileServerRequests,
    workerPeakRssKb,
    window,
    benchProfile,
  };
  const ingest =
    doc.type === 'ingest' && doc.state === 'completed' ? ingestJobResultSchema.safeParse(doc.result) : undefined;
  if (ingest?.success) {
    result.items = ingest.data.items;
    s.log(
      `  completed: job ${seconds(result.jobMs)} s, wall ${seconds(result.wallMs)} s (picked up after ${result.pickupMs} ms); ${fileServerRequests} requests to the file server`,
    );
  } else {
    result.failed = `job ${doc.id} ${doc.state}: ${doc.error ? `${doc.error.code}: ${doc.error.message}` : 'no ingest result'}`;
    s.log(`  JOB FAILED: ${result.failed}`);
  }
  return result;
}
