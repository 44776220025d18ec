import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TsChild } from '../../fixtures/child-process.js';
import { readMainThreadProfile, summarizeProfile } from '../measure/cpu-profile.js';
import type { IngestRunResult } from './ingest-run.js';

/**
 * Stops the worker (node writes its --cpu-prof profile at exit) and summarises, for each run, the worker's main
 * thread during that job alone and this process (s3rver + dynalite + API), whose profile is also saved in `dir`.
 */
export async function collectIngestProfiles(
  worker: TsChild,
  dir: string,
  runs: readonly IngestRunResult[],
): Promise<string[]> {
  await worker.stop();
  const workerProfile = await readMainThreadProfile(dir, worker.pid);
  const lines: string[] = [];
  for (const run of runs) {
    lines.push(`${run.label}: worker main thread CPU profile, job window only (${dir}):`);
    lines.push(...(workerProfile ? summarizeProfile(workerProfile, run.window) : ['  (no profile written)']));
    if (run.benchProfile) {
      const file = join(dir, `bench-process-${run.label.replace(/\W+/g, '-')}.cpuprofile`);
      await writeFile(file, JSON.stringify(run.benchProfile));
      lines.push(
        `${run.label}: bench process CPU profile, s3rver + dynalite + API (${file}):`,
        ...summarizeProfile(run.benchProfile),
      );
    }
  }
  return lines;
}
