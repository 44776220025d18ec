import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnTs } from '../fixtures/child-process.js';
import { startOwnRedis } from '../fixtures/redis-server.js';
import type { DrillResult } from './drill.js';
import { startFleet } from './fleet.js';

const SETTLE_MS = 2000;
const MEASURE_MS = 5000;
/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3: utime is 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/**
 * An API and a worker pointed at a replica (as after a failover whose clients were not told): Redis answers
 * READONLY to every write. The contract: the worker backs off (CPU < 10 %) instead of spinning, and a POST is
 * answered 503 with Retry-After rather than hanging.
 */
export async function readonlyReplica(): Promise<DrillResult> {
  const primary = await startOwnRedis();
  const replica = await startOwnRedis(['--replicaof', '127.0.0.1', String(primary.port)]);
  const fleet = await startFleet({ workers: 0, env: { REDIS_URL: replica.url } });
  const worker = spawnTs('worker', 'dist/worker/main.js', { env: { PATH: process.env.PATH ?? '', ...fleet.env } });
  try {
    await sleep(SETTLE_MS);
    const before = await cpuSeconds(worker.pid);
    await sleep(MEASURE_MS);
    const used = (await cpuSeconds(worker.pid)) - before;
    const percent = (100 * used) / (MEASURE_MS / 1000);
    const started = performance.now();
    const res = await fetch(`${fleet.baseUrl}/v1/zips`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fleet.apiKey}` },
      body: JSON.stringify({ filename: 'a', urls: ['https://files.invalid/a.png'] }),
      signal: AbortSignal.timeout(10_000),
    });
    const postMs = performance.now() - started;
    await res.arrayBuffer();
    const retryAfter = res.headers.get('retry-after');
    return {
      line:
        `worker CPU ${percent.toFixed(1)} % over ${MEASURE_MS / 1000} s against a replica; ` +
        `POST answered ${res.status}${retryAfter ? ` (Retry-After ${retryAfter})` : ''} in ${postMs.toFixed(0)} ms`,
      problems: [],
      ok: percent < 10 && res.status === 503 && retryAfter !== null && postMs < 2000,
    };
  } finally {
    await worker.stop(10_000);
    await fleet.stop();
    await replica.close();
    await primary.close();
  }
}
