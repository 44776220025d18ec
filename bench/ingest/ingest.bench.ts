import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TsChild } from '../../fixtures/child-process.js';
import { runBaseline } from '../baselines/baseline-runner.js';
import { log, reportIdleMachine, runBenchSession } from '../harness/bench-session.js';
import { startBenchStack, type BenchStack } from '../harness/bench-stack.js';
import type { CleanupStack } from '../harness/cleanup-stack.js';
import { mbFromKb, seconds } from '../measure/format.js';
import { readCommandLine, readMemoryKb } from '../measure/proc-stats.js';
import { startWorkerProcess } from '../processes/worker-process.js';
import { syntheticFileUrls } from '../synthetic/synthetic-files.js';
import { checkItems, checkObjects, checkTempDirEmpty, expectedSha256s } from './ingest-check.js';
import { INGEST_BENCH_USAGE, parseIngestBenchOptions, type IngestBenchOptions } from './ingest-options.js';
import { collectIngestProfiles } from './ingest-profile.js';
import { printIngestSummary, type IngestBenchResult } from './ingest-report.js';
import { runIngestJob, type IngestRunResult } from './ingest-run.js';

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

interface Measuring {
  opts: IngestBenchOptions;
  stack: BenchStack;
  urls: string[];
  sha256s: string[];
  childEnv: NodeJS.ProcessEnv;
  others: { fileServer: number; bench: 'self' };
  r: IngestBenchResult;
}

/** Run 1 (every URL new), checked; run 2 (the same URLs, all known), checked; then run 2's baseline. */
async function runJobs(m: Measuring, worker: TsChild): Promise<void> {
  const { opts, stack, urls, sha256s, r } = m;
  const job = { urls, api: stack.api, worker, fileServer: stack.fileServer, profileBench: opts.profile };

  log(`\n=== run 1: ingest ${opts.urls} new URLs ===`);
  const run1 = await runIngestJob({
    ...job,
    label: 'run 1',
    timeoutMs: 120_000 + opts.urls * 200,
    log: (l) => log(`[run 1] ${l}`),
  });
  r.run1 = run1;
  if (!run1.items) {
    r.problems.push(`run 1: ${run1.failed}`);
    return;
  }
  const problems1 = [
    ...checkItems(run1.items, { urls, status: 'stored', fileBytes: r.fileBytes, sha256s }),
    ...(await checkObjects(stack.clients.store, run1.items)),
    ...(await checkTempDirEmpty(stack.workerTemp)),
  ];
  r.problems.push(...problems1.map((p) => `run 1: ${p}`));
  log(
    `  checked: ${problems1.length === 0 ? `all ${opts.urls} items "stored" with the right size and sha256; every object is in the bucket` : `${problems1.length} problem(s)`}`,
  );
  if (run1.fileServerRequests !== opts.urls)
    log(`  note: the file server saw ${run1.fileServerRequests} requests for ${opts.urls} URLs`);

  log(`\n=== run 2: ingest the same ${opts.urls} URLs again (all existing) ===`);
  const run2 = await runIngestJob({
    ...job,
    label: 'run 2',
    timeoutMs: 60_000 + opts.urls * 10,
    log: (l) => log(`[run 2] ${l}`),
  });
  r.run2 = run2;
  if (!run2.items) {
    r.problems.push(`run 2: ${run2.failed}`);
    return;
  }
  const keys = run1.items.map((i) => i.key);
  const problems2 = [
    ...checkItems(run2.items, { urls, status: 'existing', fileBytes: r.fileBytes, sha256s, keys }),
    ...(await checkTempDirEmpty(stack.workerTemp)),
  ];
  if (run2.fileServerRequests !== 0)
    problems2.push(`the file server received ${run2.fileServerRequests} requests (expected none)`);
  r.problems.push(...problems2.map((p) => `run 2: ${p}`));
  log(
    `  checked: ${problems2.length === 0 ? `all ${opts.urls} items "existing", same objects as run 1, no request reached the file server` : `${problems2.length} problem(s)`}`,
  );

  log(
    `\n=== baseline for run 2: raw BatchGetItem of the same ${opts.urls} keys, 100 per request, ${opts.batchGetRepeat} times ===`,
  );
  r.batchGet = await runBaseline(
    {
      kind: 'batch-get',
      origin: stack.fileServer.origin,
      files: opts.urls,
      tenant: stack.tenant,
      repeat: opts.batchGetRepeat,
    },
    m.childEnv,
    m.others,
  );
  if (r.batchGet.items !== opts.urls)
    r.problems.push(`raw BatchGetItem found ${r.batchGet.items} of ${opts.urls} index records`);
  log(`  median ${r.batchGet.ms.toFixed(1)} ms; ${r.batchGet.items} records found`);
}

/**
 * The measured part: the download baseline, then one worker process for both runs (run 2 meets a warm worker,
 * as a long-running one would). Fills `r` as it goes, so that whatever was measured before a failure is reported.
 */
async function measure(
  opts: IngestBenchOptions,
  stack: BenchStack,
  cleanup: CleanupStack,
  r: IngestBenchResult,
): Promise<void> {
  const { fileServer } = stack;
  const m: Measuring = {
    opts,
    stack,
    urls: syntheticFileUrls(fileServer.origin, opts.urls),
    sha256s: await expectedSha256s(opts.urls, r.fileBytes),
    childEnv: stack.workerEnv({ downloadConcurrency: opts.concurrency }),
    others: { fileServer: fileServer.pid, bench: 'self' },
    r,
  };
  if (new Set(m.sha256s).size !== opts.urls)
    r.problems.push('the synthetic files are not all distinct: objects cannot be told apart');

  log(`\n=== baseline for run 1: download ${opts.urls} files, ${opts.concurrency} at a time, got -> discard ===`);
  r.download = await runBaseline(
    { kind: 'download', origin: fileServer.origin, files: opts.urls, concurrency: opts.concurrency },
    m.childEnv,
    m.others,
  );
  if (r.download.bytes !== opts.urls * r.fileBytes)
    r.problems.push(`download baseline got ${r.download.bytes} bytes, expected ${opts.urls * r.fileBytes}`);
  log(`  ${seconds(r.download.ms)} s`);

  // With --profile: kept (outside the temp root) for a closer look in Chrome DevTools.
  const profileDir = join(tmpdir(), `ferry-bench-profiles-${Date.now()}`, 'ingest');
  const nodeArgs = opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  log(
    `\nstarting the worker (node ${[...nodeArgs, 'dist/worker/main.js'].join(' ')}), DOWNLOAD_CONCURRENCY=${opts.concurrency}, WORKER_CONCURRENCY=1`,
  );
  const worker = await startWorkerProcess(m.childEnv, stack.queues.ingest, { nodeArgs });
  cleanup.add('stop the worker', () => worker.stop());
  r.workerIdleRssKb = readMemoryKb(worker.pid).rss;
  log(`  worker pid ${worker.pid}: ${readCommandLine(worker.pid)}; idle RSS ${mbFromKb(r.workerIdleRssKb)} MB`);
  try {
    await runJobs(m, worker);
  } finally {
    const runs = [r.run1, r.run2].filter((run): run is IngestRunResult => run !== undefined);
    if (opts.profile) r.profile.push(...(await collectIngestProfiles(worker, profileDir, runs)));
  }
}

/**
 * `npm run bench -- ingest`: an ingest job of `--urls` new URLs, then the same URLs again (all known to the
 * index), through the real API and a real (compiled) worker process, against the local stack and a synthetic file
 * server; compared with a download-only baseline and a raw BatchGetItem baseline measured in the same run.
 * Reports; never asserts a target. Returns the exit code: non-zero only if a job failed or a check failed.
 */
export async function runIngestBench(argv: string[]): Promise<number> {
  const opts = parseIngestBenchOptions(argv);
  if (opts === 'help') {
    log(INGEST_BENCH_USAGE);
    return 0;
  }
  const fileBytes = opts.sizeKiB * 1024;
  return runBenchSession(async (cleanup) => {
    log(
      `ferry ingest bench: ${opts.urls} URLs x ${opts.sizeKiB} KiB; run 1 all new, run 2 all existing; DOWNLOAD_CONCURRENCY ${opts.concurrency}`,
    );
    await reportIdleMachine();
    const stack = await startBenchStack({ files: opts.urls, fileBytes, mediaTable: true }, cleanup, log);
    const result: IngestBenchResult = {
      urls: opts.urls,
      fileBytes,
      concurrency: opts.concurrency,
      problems: [],
      profile: [],
    };
    try {
      await measure(opts, stack, cleanup, result);
    } catch (err) {
      log(`BENCH ABORTED: ${errorText(err)}`);
      result.problems.push(`aborted: ${errorText(err)}`);
    }
    printIngestSummary(result, log);
    return result.problems.length > 0 ? 1 : 0;
  });
}
