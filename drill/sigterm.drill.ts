import { startFileServer } from '../fixtures/file-server.js';
import { until } from '../fixtures/until.js';
import type { DrillResult } from './drill.js';
import { startFleet } from './fleet.js';

const SHUTDOWN_TIMEOUT_MS = 3000;
const CHUNKS = 80;
const CHUNK_EVERY_MS = 200;

/**
 * A zip whose one file dribbles in over ~16 s; the worker running it gets SIGTERM. The contract: it exits within
 * WORKER_SHUTDOWN_TIMEOUT_MS + 5 s, and the job completes on another worker with one archive, no open upload and
 * no temp files left.
 */
export async function sigtermMidJob(): Promise<DrillResult> {
  const files = await startFileServer();
  files.dribble('/slow.bin', { chunks: CHUNKS, everyMs: CHUNK_EVERY_MS });
  const fleet = await startFleet({ workers: 1, env: { WORKER_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) } });
  try {
    const post = await fleet.post('/v1/zips', { filename: 'slow', urls: [files.url('/slow.bin')] });
    const id = post.body.id as string;
    await until(async () => (await fleet.queues.zip.getJobState(id)) === 'active', 'the job is running', 60_000);
    await until(() => Promise.resolve(files.hits('/slow.bin') > 0), 'the download has started', 60_000);
    const second = await fleet.startWorker();
    const first = fleet.workers[0]!;
    const signalled = Date.now();
    first.process.kill('SIGTERM');
    const exit = await first.exited;
    const exitMs = Date.now() - signalled;
    await until(
      async () => ['completed', 'failed'].includes(await fleet.queues.zip.getJobState(id)),
      'the job has finished',
      120_000,
    );
    const state = await fleet.queues.zip.getJobState(id);
    // Finished after the first worker was gone: another worker completed it.
    const finishedOn = (await fleet.queues.zip.getJob(id))?.finishedOn ?? 0;
    const elsewhere = finishedOn > signalled + exitMs;
    const archives = (await fleet.archivesPerJob()).get(id) ?? 0;
    const openUploads = await fleet.openUploads();
    // Once both are gone: a live worker keeps a folder of its own.
    await second.stop();
    const tempFiles = (await fleet.tempFiles()).length;
    const held =
      exitMs <= SHUTDOWN_TIMEOUT_MS + 5000 && state === 'completed' && elsewhere && archives === 1 && openUploads === 0;
    return {
      line:
        `worker exited ${(exitMs / 1000).toFixed(1)} s after SIGTERM (timeout ${SHUTDOWN_TIMEOUT_MS / 1000} s, code ${exit.code ?? exit.signal}); ` +
        `job ${state} ${elsewhere ? 'by the other worker' : 'by the SIGTERMed worker'}, ${files.hits('/slow.bin')} downloads of the file, ${archives} archive(s), ${openUploads} open uploads, ` +
        `${tempFiles} temp files left`,
      problems: [],
      ok: held && tempFiles === 0,
    };
  } finally {
    await fleet.stop();
    await files.close();
  }
}
