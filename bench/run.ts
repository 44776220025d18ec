import { runFleetBench } from './fleet/fleet.bench.js';
import { isUsageError } from './harness/usage-error.js';
import { runIngestBench } from './ingest/ingest.bench.js';
import { runMediaBench } from './media/media.bench.js';
import { runMemoryBench } from './memory/import-rss.js';
import { runZipSweep } from './memory/zip-sweep.js';
import { runZipResumeBench } from './zip-resume/zip-resume.bench.js';
import { runZipBench } from './zip/zip.bench.js';

/** `npm run bench -- <name> [flags]`: one entry point for every benchmark. */
const BENCHES: Record<string, (argv: string[]) => Promise<number>> = {
  zip: runZipBench,
  'zip-resume': runZipResumeBench,
  ingest: runIngestBench,
  media: runMediaBench,
  fleet: runFleetBench,
  memory: runMemoryBench,
  'zip-sweep': runZipSweep,
};

async function main(): Promise<number> {
  const [name, ...argv] = process.argv.slice(2);
  const bench = name === undefined ? undefined : BENCHES[name];
  if (!bench) {
    const known = Object.keys(BENCHES);
    console.error(
      `unknown bench "${name ?? ''}": available: ${known.join(', ')}\nusage: npm run bench -- <${known.join('|')}> [flags]`,
    );
    return 2;
  }
  return bench(argv);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (isUsageError(err)) {
      console.error((err as Error).message);
      process.exit(2);
    }
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
