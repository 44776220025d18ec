import { parseBenchFlags, positiveOption } from '../harness/bench-flags.js';

export interface ZipBenchOptions {
  files: number;
  sizeMiB: number;
  /** DOWNLOAD_CONCURRENCY of the worker, and the download baseline's concurrency. */
  concurrency: number;
  /** The second run has `files * scale` files; 1 or less skips it. */
  scale: number;
  /** Download the small run's archive and run `unzip -t` on it. */
  unzip: boolean;
  /** Run the peers (the blog recipe, the seed's design) on the same files in each round. */
  peers: boolean;
  /** Files of the deflate-heavy round (text, compression "deflate"); 0 skips it. */
  deflateFiles: number;
  deflateSizeMiB: number;
  /** CPU-profile the worker and the bench process (s3rver) during each job and print where the time went. */
  profile: boolean;
}

export const ZIP_BENCH_USAGE = `usage: npm run bench -- zip [--files 200] [--size-mib 5] [--concurrency 8] [--scale 5] [--no-unzip] [--no-peers] [--deflate-files 0] [--deflate-size-mib 2] [--profile]`;

const positive = (name: string, raw: string | undefined, fallback: number, integer: boolean) =>
  positiveOption(name, raw, fallback, integer, ZIP_BENCH_USAGE);

const FLAGS = {
  files: { type: 'string' },
  'size-mib': { type: 'string' },
  concurrency: { type: 'string' },
  scale: { type: 'string' },
  'no-unzip': { type: 'boolean', default: false },
  'no-peers': { type: 'boolean', default: false },
  'deflate-files': { type: 'string' },
  'deflate-size-mib': { type: 'string' },
  profile: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const parseFlags = (argv: string[]) => parseBenchFlags(argv, FLAGS, ZIP_BENCH_USAGE);

export function parseZipBenchOptions(argv: string[]): ZipBenchOptions | 'help' {
  const values = parseFlags(argv);
  if (values.help) return 'help';
  return {
    files: positive('files', values.files, 200, true),
    sizeMiB: positive('size-mib', values['size-mib'], 5, false),
    concurrency: positive('concurrency', values.concurrency, 8, true),
    scale: positive('scale', values.scale, 5, false),
    unzip: !values['no-unzip'],
    peers: !values['no-peers'],
    deflateFiles: values['deflate-files'] === '0' ? 0 : positive('deflate-files', values['deflate-files'], 0, true),
    deflateSizeMiB: positive('deflate-size-mib', values['deflate-size-mib'], 2, false),
    profile: values.profile,
  };
}
