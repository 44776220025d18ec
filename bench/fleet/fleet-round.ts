import { setTimeout as sleep } from 'node:timers/promises';
import type { TsChild } from '../../fixtures/child-process.js';
import type { BenchStack } from '../harness/bench-stack.js';
import type { CleanupStack } from '../harness/cleanup-stack.js';
import { startWorkerProcess } from '../processes/worker-process.js';
import { syntheticFileUrls } from '../synthetic/synthetic-files.js';

export interface ThroughputResult {
  workers: number;
  jobs: number;
  completed: number;
  seconds: number;
  jobsPerMinute: number;
}

async function finished(stack: BenchStack): Promise<number> {
  const counts = await stack.queues.zip.getJobCounts('completed', 'failed');
  return (counts.completed ?? 0) + (counts.failed ?? 0);
}

/**
 * Starts `workers` worker processes, posts `jobs` one-file zip jobs (8 requests in flight) and measures from the
 * first POST to the last job finished; then stops the workers. Small jobs: what is measured is the queue and
 * Redis round trips per job, not transfer speed.
 */
export async function runThroughputRound(
  stack: BenchStack,
  o: { workers: number; jobs: number; workerConcurrency: number },
  cleanup: CleanupStack,
): Promise<ThroughputResult> {
  const env = { ...stack.workerEnv({ downloadConcurrency: 2 }), WORKER_CONCURRENCY: String(o.workerConcurrency) };
  const running: TsChild[] = [];
  cleanup.add(`stop ${o.workers} worker(s)`, () => Promise.all(running.map((w) => w.stop())));
  for (let i = 0; i < o.workers; i++) running.push(await startWorkerProcess(env, stack.queues.zip));
  const deadline = Date.now() + 60_000;
  while ((await stack.queues.zip.getWorkersCount()) < o.workers) {
    if (Date.now() > deadline) throw new Error(`${o.workers} workers did not all register within 60 s`);
    await sleep(100);
  }
  const before = await finished(stack);
  const urls = syntheticFileUrls(stack.fileServer.origin, 1);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < o.jobs) {
        const i = next++;
        await stack.api.postZip({ filename: `fleet-${o.workers}-${i}`, urls, options: { compression: 'store' } });
      }
    }),
  );
  const doneBy = Date.now() + 10 * 60_000;
  while ((await finished(stack)) - before < o.jobs) {
    if (Date.now() > doneBy) throw new Error(`${o.jobs} jobs not finished within 10 minutes`);
    await sleep(50);
  }
  const seconds = (performance.now() - started) / 1000;
  const counts = await stack.queues.zip.getJobCounts('completed');
  await Promise.all(running.map((w) => w.stop()));
  running.length = 0;
  return {
    workers: o.workers,
    jobs: o.jobs,
    completed: Math.min(o.jobs, (counts.completed ?? 0) - before),
    seconds,
    jobsPerMinute: (o.jobs / seconds) * 60,
  };
}
