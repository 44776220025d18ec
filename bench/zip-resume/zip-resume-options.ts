import { parseBenchFlags, positiveOption } from '../harness/bench-flags.js';
import { UsageError } from '../harness/usage-error.js';

export interface ZipResumeOptions {
  files: number;
  sizeMiB: number;
  /** DOWNLOAD_CONCURRENCY of the workers. */
  concurrency: number;
  /** Worker A is SIGKILLed once this fraction of the files is done (0 < killAt < 1). */
  killAt: number;
  /** Crash runs (each a new job on the same files). */
  runs: number;
  /** WORKER_LOCK_DURATION_MS of both workers: a dead worker's job is taken over once its lock expires. */
  lockMs: number;
  /** WORKER_STALLED_INTERVAL_MS of both workers. */
  stalledIntervalMs: number;
  /** Run `unzip -t` on every archive (it reads the whole archive once more). */
  unzip: boolean;
  /**
   * One full run for all crash runs, instead of one just before each (the default: on a shared machine the load
   * moves between runs, and a ratio to a full run minutes earlier moves with it).
   */
  singleFull: boolean;
}

export const ZIP_RESUME_USAGE = `usage: npm run bench -- zip-resume [--files 410] [--size-mib 5] [--concurrency 8] [--kill-at 0.8] [--runs 3] [--lock-ms 5000] [--stalled-interval-ms 1000] [--no-unzip] [--single-full]`;

const positive = (name: string, raw: string | undefined, fallback: number, integer: boolean) =>
  positiveOption(name, raw, fallback, integer, ZIP_RESUME_USAGE);

const FLAGS = {
  files: { type: 'string' },
  'size-mib': { type: 'string' },
  concurrency: { type: 'string' },
  'kill-at': { type: 'string' },
  runs: { type: 'string' },
  'lock-ms': { type: 'string' },
  'stalled-interval-ms': { type: 'string' },
  'no-unzip': { type: 'boolean', default: false },
  'single-full': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const parseFlags = (argv: string[]) => parseBenchFlags(argv, FLAGS, ZIP_RESUME_USAGE);

export function parseZipResumeOptions(argv: string[]): ZipResumeOptions | 'help' {
  const values = parseFlags(argv);
  if (values.help) return 'help';
  const killAt = positive('kill-at', values['kill-at'], 0.8, false);
  if (killAt >= 1) throw new UsageError(`--kill-at must be below 1, got "${values['kill-at']}"\n${ZIP_RESUME_USAGE}`);
  const files = positive('files', values.files, 410, true);
  if (files < 2) throw new UsageError(`--files must be at least 2, got "${values.files}"\n${ZIP_RESUME_USAGE}`);
  return {
    files,
    sizeMiB: positive('size-mib', values['size-mib'], 5, false),
    concurrency: positive('concurrency', values.concurrency, 8, true),
    killAt,
    runs: positive('runs', values.runs, 3, true),
    // The config's own minimums: 1000 ms and 500 ms.
    lockMs: Math.max(1000, positive('lock-ms', values['lock-ms'], 5000, true)),
    stalledIntervalMs: Math.max(500, positive('stalled-interval-ms', values['stalled-interval-ms'], 1000, true)),
    unzip: !values['no-unzip'],
    singleFull: values['single-full'],
  };
}
