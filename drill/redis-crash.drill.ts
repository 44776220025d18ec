import { setTimeout as sleep } from 'node:timers/promises';
import { startFileServer } from '../fixtures/file-server.js';
import { startOwnRedis } from '../fixtures/redis-server.js';
import { until } from '../fixtures/until.js';
import type { DrillResult } from './drill.js';
import { startFleet } from './fleet.js';
import { percentile } from './latency.js';

const PUMP_MS = 8000;
const POST_EVERY_MS = 50;
const KILL_AT_MS = 2500;
const DOWN_FOR_MS = 2500;

/**
 * Zips are posted every 50 ms for 8 s at an API and two workers on a Redis of the drill's own with AOF
 * (`appendfsync always`); 2.5 s in, Redis is SIGKILLed and comes back 2.5 s later from its AOF. The contract:
 * no accepted (202) job is lost, every one ends with exactly one archive, the refused ones got 503, and nothing is
 * left open or on disk.
 */
export async function redisCrash(): Promise<DrillResult> {
  const redis = await startOwnRedis(['--appendonly', 'yes', '--appendfsync', 'always']);
  const files = await startFileServer();
  files.file('/a.txt', 'hello from the redis-crash drill\n', 'text/plain');
  const fleet = await startFleet({
    workers: 2,
    env: { REDIS_URL: redis.url, JOB_ATTEMPTS: '5', JOB_BACKOFF_MS: '500' },
    limits: { jobsPerMinute: 100_000 },
  });
  try {
    const accepted: string[] = [];
    const answers = { 202: 0, 503: 0, other: 0 };
    const others: string[] = [];
    const latencies: number[] = [];
    const started = Date.now();
    const crash = (async () => {
      await sleep(KILL_AT_MS);
      await redis.stop();
      await sleep(DOWN_FOR_MS);
      await redis.start();
    })();
    const posts: Promise<void>[] = [];
    while (Date.now() - started < PUMP_MS) {
      posts.push(
        (async () => {
          const t = performance.now();
          const res = await fetch(`${fleet.baseUrl}/v1/zips`, {
            method: 'POST',
            headers: { authorization: `Bearer ${fleet.apiKey}` },
            body: JSON.stringify({ filename: 'a', urls: [files.url('/a.txt')] }),
            signal: AbortSignal.timeout(10_000),
          }).catch((err: unknown) => err as Error);
          latencies.push(performance.now() - t);
          if (res instanceof Error) {
            answers.other++;
            others.push(res.message);
          } else if (res.status === 202) {
            answers[202]++;
            accepted.push(((await res.json()) as { id: string }).id);
          } else if (res.status === 503) {
            answers[503]++;
            await res.arrayBuffer();
          } else {
            answers.other++;
            others.push(`${res.status} ${await res.text()}`);
          }
        })(),
      );
      await sleep(POST_EVERY_MS);
    }
    await Promise.all([...posts, crash]);
    const states = async () => Promise.all(accepted.map((id) => fleet.queues.zip.getJobState(id)));
    await until(
      async () => (await states()).every((s) => s === 'completed' || s === 'failed' || s === 'unknown'),
      'every accepted job has finished',
      120_000,
    );
    const final = await states();
    const lost = final.filter((s) => s === 'unknown').length;
    const completed = final.filter((s) => s === 'completed').length;
    const perJob = await fleet.archivesPerJob();
    const oneEach = accepted.filter((id) => perJob.get(id) === 1).length;
    const openUploads = await fleet.openUploads();
    // Jobs in Redis that no 202 announced: created by a request that was refused.
    const queued = await fleet.queues.zip.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed');
    const total = Object.values(queued).reduce((a, b) => a + b, 0);
    return {
      line:
        `${answers[202] + answers[503] + answers.other} POSTs: ${answers[202]} accepted, ${answers[503]} answered 503, ` +
        `${answers.other} other; accepted jobs: ${completed} completed, ${lost} lost, ${oneEach} with exactly one archive; ` +
        `${total - accepted.length} jobs no 202 announced; ${openUploads} open uploads; POST p99 ${percentile(latencies, 99).toFixed(0)} ms`,
      problems: others.slice(0, 5),
      ok:
        lost === 0 &&
        completed === accepted.length &&
        oneEach === accepted.length &&
        openUploads === 0 &&
        answers.other === 0,
    };
  } finally {
    await fleet.stop();
    await files.close();
    await redis.close();
  }
}
