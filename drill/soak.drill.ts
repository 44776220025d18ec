import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFileServer } from '../fixtures/file-server.js';
import { until } from '../fixtures/until.js';
import type { DrillResult } from './drill.js';
import { startFleet } from './fleet.js';
import { sampleLatency } from './latency.js';

const JOBS = 40;
const KILLS = 4;
const KILL_EVERY_MS = 4000;
const CHUNKS = 24;
const CHUNK_EVERY_MS = 60;

/**
 * Forty zips (four files each, one of them slow) through two workers, one of which is SIGKILLed every 4 s and
 * replaced by a fresh process, four times. The contract: every accepted job completes with exactly one archive,
 * no multipart upload is left open, and the dead processes' temp files are gone once the fleet is stopped.
 */
export async function soak(): Promise<DrillResult> {
  const files = await startFileServer();
  for (let i = 1; i <= 3; i++) files.file(`/f${i}.bin`, randomBytes(2 * 1024 * 1024), 'application/octet-stream');
  files.dribble('/slow.bin', { chunks: CHUNKS, everyMs: CHUNK_EVERY_MS });
  const fleet = await startFleet({
    workers: 2,
    env: {
      // Short enough that a killed worker's job is taken over within seconds, long enough for a loaded box to renew.
      WORKER_LOCK_DURATION_MS: '6000',
      WORKER_STALLED_INTERVAL_MS: '1000',
      JOB_ATTEMPTS: '5',
      JOB_BACKOFF_MS: '500',
      // No sweep of young uploads: what is left open must be cleaned by the takeover itself.
      S3_JANITOR_INTERVAL_SECONDS: '0',
    },
    limits: { jobsPerMinute: 10_000 },
  });
  const health = sampleLatency(`${fleet.baseUrl}/healthz`);
  try {
    const urls = ['/f1.bin', '/slow.bin', '/f2.bin', '/f3.bin'].map((p) => files.url(p));
    const ids: string[] = [];
    for (let i = 0; i < JOBS; i++) {
      const { status, body } = await fleet.post('/v1/zips', { filename: `soak-${i}`, urls });
      if (status !== 202) throw new Error(`POST /v1/zips: ${status} ${JSON.stringify(body)}`);
      ids.push(body.id as string);
    }
    let killedMidJob = 0;
    for (let k = 0; k < KILLS; k++) {
      await sleep(KILL_EVERY_MS);
      const live = fleet.workers.filter((w) => !w.hasExited());
      const victim = live[k % live.length]!;
      const active = await fleet.queues.zip.getActiveCount();
      const registered = await fleet.queues.zip.getWorkersCount();
      victim.process.kill('SIGKILL');
      await victim.exited;
      if (active > 0) killedMidJob++;
      // Its connections must be gone before a replacement is counted in.
      await until(
        async () => (await fleet.queues.zip.getWorkersCount()) < registered,
        'the killed worker has left Redis',
        60_000,
      );
      await fleet.startWorker();
    }
    const states = () => Promise.all(ids.map((id) => fleet.queues.zip.getJobState(id)));
    await until(
      async () => (await states()).every((s) => s === 'completed' || s === 'failed' || s === 'unknown'),
      'every job has finished',
      240_000,
    ).catch(() => undefined);
    await health.stop();
    const final = await states();
    const completed = final.filter((s) => s === 'completed').length;
    const lost = final.filter((s) => s === 'unknown').length;
    const perJob = await fleet.archivesPerJob();
    const oneEach = ids.filter((id) => perJob.get(id) === 1).length;
    const openUploads = await fleet.openUploads();
    // The live workers remove their own folders as they stop; anything left belonged to a dead one.
    await Promise.all(fleet.workers.map((w) => w.stop()));
    const tempFiles = (await fleet.tempFiles()).length;
    const jobs = await Promise.all(ids.map((id) => fleet.queues.zip.getJob(id)));
    // attemptsStarted counts every run, a stalled one that was taken over included.
    const retried = jobs.filter((j) => (j?.attemptsStarted ?? 0) > 1).length;
    const failures = jobs.flatMap((j, i) =>
      final[i] === 'completed' ? [] : [`${ids[i]} ended ${final[i]}: ${j?.failedReason ?? 'no reason'}`],
    );
    return {
      line:
        `${JOBS} jobs, ${KILLS} worker SIGKILLs (${killedMidJob} mid-job) each followed by a restart: ${completed} completed, ` +
        `${lost} lost, ${JOBS - completed - lost} failed, ${oneEach} with exactly one archive, ${retried} taken over or retried; ` +
        `${openUploads} open uploads; ${tempFiles} temp files left; /healthz p99 ${health.p(99).toFixed(1)} ms`,
      problems: failures.slice(0, 5),
      ok: completed === JOBS && oneEach === JOBS && openUploads === 0 && tempFiles === 0 && killedMidJob > 0,
    };
  } finally {
    await health.stop();
    await fleet.stop();
    await files.close();
  }
}
