import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TsChild } from '../../fixtures/child-process.js';
import { maxArchiveBytes, partSizeFor } from '../../worker/upload/part-size.js';
import { log, reportIdleMachine, runBenchSession } from '../harness/bench-session.js';
import { startBenchStack } from '../harness/bench-stack.js';
import { mib } from '../measure/format.js';
import { parseZipBenchOptions, ZIP_BENCH_USAGE } from './zip-options.js';
import { printRound, printSummary } from './zip-report.js';
import { runRound, type RoundResult, type RoundSetup } from './zip-round.js';

const MiB = 1024 * 1024;

type RoundPlan = Pick<RoundSetup, 'label' | 'files' | 'fileBytes' | 'set' | 'compression'>;

/**
 * `npm run bench -- zip`: a store-mode zip job through the real API and a real worker process, against
 * the local stack and a synthetic file server, compared with download-only and upload-only baselines
 * measured in the same run; then the same for a job `--scale` times larger, to show memory stays flat.
 * Reports; never asserts a target. Returns the exit code: non-zero only if a job failed or its archive is wrong.
 */
export async function runZipBench(argv: string[]): Promise<number> {
  const opts = parseZipBenchOptions(argv);
  if (opts === 'help') {
    log(ZIP_BENCH_USAGE);
    return 0;
  }
  const fileBytes = Math.round(opts.sizeMiB * MiB);
  const plans: RoundPlan[] = [{ label: 'small', files: opts.files, fileBytes, set: 'binary', compression: 'store' }];
  if (opts.scale > 1) {
    plans.push({
      label: 'large',
      files: Math.round(opts.files * opts.scale),
      fileBytes,
      set: 'binary',
      compression: 'store',
    });
  }
  if (opts.deflateFiles > 0) {
    const textBytes = Math.round(opts.deflateSizeMiB * MiB);
    plans.push({
      label: 'deflate',
      files: opts.deflateFiles,
      fileBytes: textBytes,
      set: 'text',
      compression: 'deflate',
    });
  }
  const largest = Math.max(...plans.map((p) => p.files));
  const textFileBytes = Math.round(opts.deflateSizeMiB * MiB);

  return runBenchSession(async (cleanup) => {
    log(
      `ferry zip bench: ${plans.map((p) => `${p.files} x ${mib(p.fileBytes)} MiB ${p.set} (${p.compression})`).join(', then ')}; concurrency ${opts.concurrency}${opts.peers ? '; with the peers' : ''}`,
    );
    await reportIdleMachine();

    const stack = await startBenchStack({ files: largest, fileBytes, textFileBytes }, cleanup, log);
    const verifyDir = join(stack.tempRoot, 'verify');
    await mkdir(verifyDir);
    const peerTempDir = join(stack.tempRoot, 'peers');
    await mkdir(peerTempDir);
    // With --profile: kept (outside the temp root) for a closer look in Chrome DevTools.
    const profileDir = join(tmpdir(), `ferry-bench-profiles-${Date.now()}`);

    let runningWorker: TsChild | undefined;
    cleanup.add('stop the worker', async () => runningWorker?.stop());
    const childEnv = stack.workerEnv({ downloadConcurrency: opts.concurrency });

    const rounds: RoundResult[] = [];
    let aborted = false;
    for (const [i, plan] of plans.entries()) {
      const { label, files } = plan;
      log(
        `\n=== run ${i + 1}/${plans.length} (${label}): ${files} ${plan.set} files x ${mib(plan.fileBytes)} MiB = ${mib(files * plan.fileBytes)} MiB ===`,
      );
      const round = await runRound({
        ...plan,
        peers: opts.peers,
        peerTempDir,
        concurrency: opts.concurrency,
        partSize: partSizeFor(maxArchiveBytes(stack.limits.maxJobBytes, files)),
        fileServer: { origin: stack.fileServer.origin, pid: stack.fileServer.pid },
        childEnv,
        queue: stack.queues.zip,
        api: stack.api,
        store: stack.clients.store,
        tempDir: stack.workerTemp,
        unzipIn: i === 0 && opts.unzip ? verifyDir : undefined,
        profileDir: opts.profile ? profileDir : undefined,
        log: (line) => log(`[${label}] ${line}`),
        onWorker: (w) => (runningWorker = w),
      }).catch((err: unknown) => {
        log(`[${label}] RUN FAILED: ${err instanceof Error ? err.message : String(err)}`);
        aborted = true;
        return undefined;
      });
      if (!round) break;
      rounds.push(round);
      printRound(round, log);
      if (round.failed) break;
    }
    printSummary(rounds, log);
    const failed = aborted || rounds.some((r) => r.failed !== undefined || r.problems.length > 0);
    return failed ? 1 : 0;
  });
}
