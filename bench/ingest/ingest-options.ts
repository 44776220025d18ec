import { parseArgs } from 'node:util';
import { UsageError } from '../harness/usage-error.js';

export interface IngestBenchOptions {
  /** URLs in each job (distinct synthetic files). */
  urls: number;
  sizeKiB: number;
  /** DOWNLOAD_CONCURRENCY of the worker, and the download baseline's concurrency. */
  concurrency: number;
  /** Times the raw BatchGetItem baseline is repeated (its median is the baseline). */
  batchGetRepeat: number;
  /** CPU-profile the worker and the bench process (s3rver + dynalite + API) during each job; print where the time went. */
  profile: boolean;
}

export const INGEST_BENCH_USAGE = `usage: npm run bench -- ingest [--urls 1000] [--size-kib 64] [--concurrency 8] [--batch-get-repeat 5] [--profile]`;

function positiveInteger(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`--${name} must be a positive integer, got "${raw}"\n${INGEST_BENCH_USAGE}`);
  return n;
}

const FLAGS = {
  urls: { type: 'string' },
  'size-kib': { type: 'string' },
  concurrency: { type: 'string' },
  'batch-get-repeat': { type: 'string' },
  profile: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export function parseIngestBenchOptions(argv: string[]): IngestBenchOptions | 'help' {
  let values;
  try {
    values = parseArgs({ args: argv, options: FLAGS, strict: true }).values;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${INGEST_BENCH_USAGE}`);
  }
  if (values.help) return 'help';
  return {
    urls: positiveInteger('urls', values.urls, 1000),
    sizeKiB: positiveInteger('size-kib', values['size-kib'], 64),
    concurrency: positiveInteger('concurrency', values.concurrency, 8),
    batchGetRepeat: positiveInteger('batch-get-repeat', values['batch-get-repeat'], 5),
    profile: values.profile,
  };
}
