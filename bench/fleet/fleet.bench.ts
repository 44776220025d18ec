import { startOwnRedisCluster } from '../../fixtures/redis-cluster.js';
import { startOwnRedis } from '../../fixtures/redis-server.js';
import { log, reportIdleMachine, runBenchSession } from '../harness/bench-session.js';
import { startBenchStack } from '../harness/bench-stack.js';
import type { CleanupStack } from '../harness/cleanup-stack.js';
import { syntheticFileUrls } from '../synthetic/synthetic-files.js';
import { FLEET_BENCH_USAGE, parseFleetBenchOptions, type FleetTopology } from './fleet-options.js';
import { runThroughputRound, type ThroughputResult } from './fleet-round.js';
import { startHelloServer } from './hello-server.js';
import { runLoad, type LoadResult } from './load-run.js';

/** The Redis a topology's round runs on: a redis-server or a 3-master cluster of the bench's own, AOF on. */
async function startTopology(t: FleetTopology, cleanup: CleanupStack): Promise<Record<string, string>> {
  if (t === 'cluster') {
    const cluster = await startOwnRedisCluster(3);
    cleanup.add('stop the Redis cluster', () => cluster.close());
    return cluster.env;
  }
  const redis = await startOwnRedis(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']);
  cleanup.add('stop the Redis server', () => redis.close());
  return { REDIS_URL: redis.url };
}

const fmt = (n: number, digits = 0) => n.toFixed(digits);
const loadLine = (name: string, r: LoadResult) =>
  `${name}: ${fmt(r.okPerSecond)} req/s served (${r.ok}/${r.requests}), p50 ${fmt(r.p50Ms, 1)} ms, p99 ${fmt(r.p99Ms, 1)} ms, statuses ${JSON.stringify(r.statuses)}`;

/**
 * `npm run bench -- fleet`: small-job throughput with 1, 2 and 4 worker processes on one Redis and on a
 * 3-master cluster, and the API's accepted POST /v1/zips per second (with p99) against a plain Express
 * hello-world measured in the same run, from a load generator in a process of its own. Reports; asserts no target.
 */
export async function runFleetBench(argv: string[]): Promise<number> {
  const opts = parseFleetBenchOptions(argv);
  if (opts === 'help') {
    log(FLEET_BENCH_USAGE);
    return 0;
  }
  return runBenchSession(async (cleanup) => {
    log(
      `ferry fleet bench: ${opts.jobs} one-file zip jobs per round, workers ${opts.workers.join('/')} x concurrency ${opts.workerConcurrency}, on ${opts.topologies.join(' and ')}`,
    );
    await reportIdleMachine();
    const hello = await startHelloServer();
    cleanup.add('stop the hello-world server', () => hello.close());
    const summary: string[] = [];
    for (const topology of opts.topologies) {
      log(`\n=== ${topology} ===`);
      const redisEnv = await startTopology(topology, cleanup);
      const stack = await startBenchStack(
        { files: 1, fileBytes: 16 * 1024, redis: redisEnv, jobsPerMinute: 10_000_000 },
        cleanup,
        log,
      );
      const rounds: ThroughputResult[] = [];
      for (const workers of opts.workers) {
        const r = await runThroughputRound(
          stack,
          { workers, jobs: opts.jobs, workerConcurrency: opts.workerConcurrency },
          cleanup,
        );
        rounds.push(r);
        log(
          `${topology}, ${workers} worker process(es): ${r.completed}/${r.jobs} completed in ${fmt(r.seconds, 1)} s = ${fmt(r.jobsPerMinute)} jobs/min`,
        );
      }
      const base = rounds[0]!.jobsPerMinute;
      summary.push(
        `throughput ${topology}: ${rounds.map((r) => `${r.workers}w ${fmt(r.jobsPerMinute)}/min (x${(r.jobsPerMinute / base).toFixed(2)})`).join(', ')}`,
      );

      // No workers now: every accepted job stays queued (obliterated at clean-up).
      const body = JSON.stringify({ filename: 'api', urls: syntheticFileUrls(stack.fileServer.origin, 1) });
      const common = { seconds: opts.apiSeconds, concurrency: opts.apiConcurrency, body };
      const ferry = await runLoad('ferry API load', {
        ...common,
        url: `${stack.api.baseUrl}/v1/zips`,
        method: 'POST',
        headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
        okStatuses: [202],
      });
      const baseline = await runLoad('hello-world load', {
        ...common,
        url: `${hello.url}/hello`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        okStatuses: [200],
      });
      log(loadLine(`${topology} POST /v1/zips`, ferry));
      log(loadLine('express hello-world', baseline));
      summary.push(
        `api ${topology}: ${fmt(ferry.okPerSecond)} vs ${fmt(baseline.okPerSecond)} req/s = ${(ferry.okPerSecond / baseline.okPerSecond).toFixed(2)}, p99 ${fmt(ferry.p99Ms, 1)} ms vs ${fmt(baseline.p99Ms, 1)} ms`,
      );
    }
    log('\n=== summary ===');
    for (const line of summary) log(line);
    return 0;
  });
}
