import { parseArgs } from 'node:util';
import { UsageError } from '../harness/usage-error.js';

export interface MediaBenchOptions {
  /** Cache-miss renders measured, through ferry and with sharp alone (distinct originals, so every one is a miss). */
  misses: number;
  /** Requests in flight during the miss runs: MEDIA_RENDER_CONCURRENCY, and sharp alone's concurrency. */
  concurrency: number;
  /** Seconds of cache-hit requests, through ferry and straight from S3. */
  hitSeconds: number;
  hitConcurrency: number;
  /** libvips threads per render (MEDIA_VIPS_THREADS), here and in the media process; 0: one per core. */
  vipsThreads: number;
  /** Seconds of full render load while the media process's RSS and the API's latency are sampled. */
  loadSeconds: number;
}

export const MEDIA_BENCH_USAGE =
  'usage: npm run bench -- media [--misses 24] [--concurrency 2] [--hit-seconds 3] [--hit-concurrency 8] [--load-seconds 10] [--vips-threads N]\n' +
  '       (--load-seconds 30 for the 30 s load of issue #10)';

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) {
    throw new UsageError(`--${name} must be a positive integer, got "${raw}"\n${MEDIA_BENCH_USAGE}`);
  }
  return n;
}

const FLAGS = {
  misses: { type: 'string' },
  concurrency: { type: 'string' },
  'hit-seconds': { type: 'string' },
  'hit-concurrency': { type: 'string' },
  'load-seconds': { type: 'string' },
  'vips-threads': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export function parseMediaBenchOptions(argv: string[]): MediaBenchOptions | 'help' {
  let values;
  try {
    values = parseArgs({ args: argv, options: FLAGS, strict: true }).values;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${MEDIA_BENCH_USAGE}`);
  }
  if (values.help) return 'help';
  return {
    misses: positive('misses', values.misses, 24),
    concurrency: positive('concurrency', values.concurrency, 2),
    hitSeconds: positive('hit-seconds', values['hit-seconds'], 3),
    hitConcurrency: positive('hit-concurrency', values['hit-concurrency'], 8),
    loadSeconds: positive('load-seconds', values['load-seconds'], 10),
    vipsThreads: values['vips-threads'] === undefined ? 0 : positive('vips-threads', values['vips-threads'], 0),
  };
}
