import { parseArgs } from 'node:util';
import { UsageError } from '../harness/usage-error.js';

export type FleetTopology = 'standalone' | 'cluster';

export interface FleetBenchOptions {
  /** Small zip jobs posted per round (one round per worker count and topology). */
  jobs: number;
  /** Worker process counts to measure. */
  workers: number[];
  /** WORKER_CONCURRENCY of each worker process. */
  workerConcurrency: number;
  topologies: FleetTopology[];
  /** Length of each API load run (ferry's POST /v1/zips, then the hello-world). */
  apiSeconds: number;
  /** Requests in flight during the API runs. */
  apiConcurrency: number;
}

export const FLEET_BENCH_USAGE =
  'usage: npm run bench -- fleet [--jobs 120] [--workers 1,2,4] [--worker-concurrency 4] ' +
  '[--topologies standalone,cluster] [--api-seconds 5] [--api-concurrency 16]';

const FLAGS = {
  jobs: { type: 'string' },
  workers: { type: 'string' },
  'worker-concurrency': { type: 'string' },
  topologies: { type: 'string' },
  'api-seconds': { type: 'string' },
  'api-concurrency': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function positiveInt(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive integer, got "${raw}"`);
  return n;
}

export function parseFleetBenchOptions(argv: string[]): FleetBenchOptions | 'help' {
  let values;
  try {
    values = parseArgs({ args: argv, options: FLAGS, strict: true }).values;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${FLEET_BENCH_USAGE}`);
  }
  if (values.help) return 'help';
  const topologies = (values.topologies ?? 'standalone,cluster').split(',').map((t) => t.trim());
  for (const t of topologies) {
    if (t !== 'standalone' && t !== 'cluster') {
      throw new UsageError(`--topologies takes standalone and/or cluster, got "${t}"\n${FLEET_BENCH_USAGE}`);
    }
  }
  return {
    jobs: positiveInt('jobs', values.jobs ?? '120'),
    workers: (values.workers ?? '1,2,4').split(',').map((w) => positiveInt('workers', w.trim())),
    workerConcurrency: positiveInt('worker-concurrency', values['worker-concurrency'] ?? '4'),
    topologies: topologies as FleetTopology[],
    apiSeconds: positiveInt('api-seconds', values['api-seconds'] ?? '5'),
    apiConcurrency: positiveInt('api-concurrency', values['api-concurrency'] ?? '16'),
  };
}
