import { join } from 'node:path';
import { log, reportIdleMachine, runBenchSession } from '../harness/bench-session.js';
import { startBenchStack } from '../harness/bench-stack.js';
import { mib } from '../measure/format.js';
import { syntheticDigests } from './archive-entries.js';
import { runCrash, runFull, type FullRun, type RunSetup } from './resume-run.js';
import type { WorkerGroup } from './worker-group.js';
import { parseZipResumeOptions, ZIP_RESUME_USAGE } from './zip-resume-options.js';
import { printResumeSummary, type ResumePair } from './zip-resume-report.js';

const MiB = 1024 * 1024;

/**
 * `npm run bench -- zip-resume`: how much of a zip job a worker crash costs. A full run of one store-mode job on
 * one compiled worker gives T_full (one before each crash run, unless `--single-full`); then, `--runs` times, the
 * same files as a new job on worker A, SIGKILLed (its
 * whole process group) once `--kill-at` of the files are done, and worker B started at once: T_next (B's pick-up to
 * completed) and T_kill (the SIGKILL to completed) against T_full, what B downloaded again, B's peak RSS, and every
 * archive checked (one object, no open upload, every entry byte for byte, `unzip -t`). Reports; never asserts a
 * target. Returns the exit code: non-zero only if a job failed or an archive is wrong.
 */
export async function runZipResumeBench(argv: string[]): Promise<number> {
  const opts = parseZipResumeOptions(argv);
  if (opts === 'help') {
    log(ZIP_RESUME_USAGE);
    return 0;
  }
  const fileBytes = Math.round(opts.sizeMiB * MiB);
  const bytes = opts.files * fileBytes;

  return runBenchSession(async (cleanup) => {
    log(
      `ferry zip-resume bench: ${opts.files} x ${mib(fileBytes)} MiB = ${mib(bytes)} MiB (store), concurrency ${opts.concurrency}; ${opts.runs} crash run(s), SIGKILL at ${opts.killAt} of the files; WORKER_LOCK_DURATION_MS=${opts.lockMs} WORKER_STALLED_INTERVAL_MS=${opts.stalledIntervalMs}`,
    );
    await reportIdleMachine();
    const stack = await startBenchStack({ files: opts.files, fileBytes }, cleanup, log);
    let running: WorkerGroup[] = [];
    cleanup.add('stop the workers', async () => {
      await Promise.all(running.map((w) => w.stop()));
    });
    const t = Date.now();
    await syntheticDigests(opts.files, fileBytes);
    log(`SHA-256 of the ${opts.files} files computed (${Date.now() - t} ms): every entry is compared with them`);

    const setup: RunSetup = {
      files: opts.files,
      fileBytes,
      env: {
        ...stack.workerEnv({ downloadConcurrency: opts.concurrency }),
        WORKER_LOCK_DURATION_MS: String(opts.lockMs),
        WORKER_STALLED_INTERVAL_MS: String(opts.stalledIntervalMs),
      },
      queue: stack.queues.zip,
      api: stack.api,
      store: stack.clients.store,
      s3: stack.clients.s3,
      s3Directory: stack.s3Directory,
      fileServer: stack.fileServer,
      tempDir: stack.workerTemp,
      verifyPath: join(stack.tempRoot, 'archive-under-test.zip'),
      unzip: opts.unzip,
      log,
      onWorkers: (w) => (running = w),
    };

    const problems: string[] = [];
    const pairs: ResumePair[] = [];
    try {
      let full: FullRun | undefined;
      for (let i = 1; i <= opts.runs; i++) {
        if (!full || !opts.singleFull) {
          log(`\n=== full run${opts.singleFull ? '' : ` ${i}/${opts.runs}`}: one worker, start to end ===`);
          // The first full run's archive is read back byte for byte; later ones are checked by size and entries.
          full = await runFull(setup, { readBack: i === 1 });
          problems.push(...full.problems);
        }
        log(
          `\n=== crash run ${i}/${opts.runs}: SIGKILL worker A at ${opts.killAt} of the files, worker B takes over ===`,
        );
        const crash = await runCrash(setup, opts.killAt, `crash-${i}`);
        pairs.push({ full, crash });
        problems.push(...crash.problems);
      }
    } catch (err) {
      problems.push(`RUN FAILED: ${err instanceof Error ? err.message : String(err)}`);
    }
    printResumeSummary(pairs, { files: opts.files, bytes }, log);
    for (const p of problems) log(`PROBLEM: ${p}`);
    return problems.length > 0 ? 1 : 0;
  });
}
