import { randomBytes } from 'node:crypto';
import { startFileServer } from '../fixtures/file-server.js';
import { startOutageProxy } from '../fixtures/outage-proxy.js';
import { until } from '../fixtures/until.js';
import type { DrillResult } from './drill.js';
import { startFleet } from './fleet.js';
import { sampleLatency } from './latency.js';

const JOBS = 6;
const JANITOR_AGE_S = 15;
const CHUNKS = 40;
const CHUNK_EVERY_MS = 150;

/**
 * Six zips are mid-upload (a multipart upload open in S3 for each) when S3 goes away, and it stays away until
 * every attempt of every job has failed. The contract: the jobs fail with a reason, nothing is left on disk, and
 * once S3 is back the workers' janitor aborts every upload nothing will finish (s3rver has no lifecycle rules);
 * a job posted after the outage completes.
 */
export async function s3Outage(): Promise<DrillResult> {
  const files = await startFileServer();
  files.file('/big.bin', randomBytes(6 * 1024 * 1024), 'application/octet-stream');
  // The second file dribbles in over ~6 s, so each job holds its upload open while S3 goes away.
  files.dribble('/slow.bin', { chunks: CHUNKS, everyMs: CHUNK_EVERY_MS, fill: (_i, n) => randomBytes(n) });
  files.file('/after.txt', 'S3 is back\n', 'text/plain');
  let proxy: Awaited<ReturnType<typeof startOutageProxy>> | undefined;
  const fleet = await startFleet({
    workers: 2,
    env: {
      WORKER_CONCURRENCY: '3',
      JOB_ATTEMPTS: '2',
      JOB_BACKOFF_MS: '500',
      S3_JANITOR_UPLOAD_MAX_AGE_SECONDS: String(JANITOR_AGE_S),
      S3_JANITOR_INTERVAL_SECONDS: '2',
    },
    // The API and workers reach S3 through a proxy the drill can take down; the drill itself looks directly.
    processEnv: async (stack) => {
      proxy = await startOutageProxy(stack.s3Endpoint);
      return { S3_ENDPOINT: proxy.endpoint };
    },
    limits: { jobsPerMinute: 10_000 },
  });
  const s3 = proxy!;
  const health = sampleLatency(`${fleet.baseUrl}/healthz`);
  try {
    const ids: string[] = [];
    for (let i = 0; i < JOBS; i++) {
      const { status, body } = await fleet.post('/v1/zips', {
        filename: `outage-${i}`,
        urls: [files.url('/big.bin'), files.url('/slow.bin')],
      });
      if (status !== 202) throw new Error(`POST /v1/zips: ${status} ${JSON.stringify(body)}`);
      ids.push(body.id as string);
    }
    await until(async () => (await fleet.openUploads()) >= JOBS, 'every job has a multipart upload open', 60_000);
    const cutAt = Date.now();
    s3.cut();
    const states = () => Promise.all(ids.map((id) => fleet.queues.zip.getJobState(id)));
    await until(
      async () => (await states()).every((s) => s === 'completed' || s === 'failed'),
      'every job has failed all its attempts',
      120_000,
    );
    const outageS = (Date.now() - cutAt) / 1000;
    s3.restore();
    const openAfterOutage = await fleet.openUploads();
    const final = await states();
    const codes = new Map<string, number>();
    for (const id of ids) {
      const code = ((await fleet.job(id)).error as { code?: string } | undefined)?.code ?? 'none';
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    const janitorStart = Date.now();
    await until(async () => (await fleet.openUploads()) === 0, 'the janitor has aborted the left-over uploads', 90_000)
      // Reported below as uploads left.
      .catch(() => undefined);
    const janitorS = (Date.now() - janitorStart) / 1000;
    const openAtEnd = await fleet.openUploads();

    const after = await fleet.post('/v1/zips', { filename: 'after', urls: [files.url('/after.txt')] });
    const afterId = after.body.id as string;
    await until(
      async () => ['completed', 'failed'].includes(await fleet.queues.zip.getJobState(afterId)),
      'the job after the outage has finished',
      60_000,
    );
    const afterState = await fleet.queues.zip.getJobState(afterId);
    const archives = await fleet.archivesPerJob();
    const partial = ids.filter((id) => archives.has(id)).length;
    // A live worker keeps its own folder and the owner file in it: anything else was left by a job.
    const leftFiles = (await fleet.tempFiles()).filter((f) => f.includes('/') && !f.endsWith('/.owner.json'));
    const tempFiles = leftFiles.length;
    await health.stop();
    const failed = final.filter((s) => s === 'failed').length;
    return {
      line:
        `${JOBS} jobs mid-upload, S3 down ${outageS.toFixed(1)} s (${s3.refused()} connections refused): ` +
        `${failed} failed (${[...codes].map(([c, n]) => `${n} ${c}`).join(', ')}), ${partial} archives of them; ` +
        `${openAfterOutage} uploads left open by the outage, ${openAtEnd} once the janitor ran (${janitorS.toFixed(1)} s); ` +
        `job after the outage ${afterState} with ${archives.get(afterId) ?? 0} archive; ${tempFiles} temp files left; ` +
        `/healthz p99 ${health.p(99).toFixed(1)} ms`,
      problems: [
        ...(openAfterOutage === 0 ? ['the outage left no upload open: the drill did not test the janitor'] : []),
        ...leftFiles.slice(0, 5).map((f) => `temp file left: ${f}`),
      ],
      ok:
        failed === JOBS &&
        partial === 0 &&
        openAfterOutage > 0 &&
        openAtEnd === 0 &&
        afterState === 'completed' &&
        archives.get(afterId) === 1 &&
        tempFiles === 0,
    };
  } finally {
    await health.stop();
    await fleet.stop();
    await s3.close();
    await files.close();
  }
}
