import { setTimeout as sleep } from 'node:timers/promises';
import { startCpuMeter } from '../measure/cpu-meter.js';
import { CleanupStack } from './cleanup-stack.js';

export type Log = (line: string) => void;

export const log: Log = (line) => process.stdout.write(`${line}\n`);

/**
 * Runs a bench body with a clean-up stack that always runs: when the body returns or throws, and on Ctrl-C
 * (a second Ctrl-C quits at once).
 */
export async function runBenchSession(body: (cleanup: CleanupStack) => Promise<number>): Promise<number> {
  const cleanup = new CleanupStack();
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    log('\ninterrupted: cleaning up (Ctrl-C again to quit at once)');
    void cleanup.runAll(log).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSigint);
  try {
    return await body(cleanup);
  } finally {
    if (!interrupted) {
      log('\ncleaning up');
      await cleanup.runAll(log);
      process.off('SIGINT', onSigint);
    }
  }
}

/** Samples machine-wide CPU for a second and warns when something else is busy (timings would be noisy). */
export async function reportIdleMachine(): Promise<void> {
  const idle = startCpuMeter({});
  await sleep(1000);
  const before = idle();
  log(
    `machine before start: ${before.coresBusy.toFixed(2)} of ${before.cores} cores busy${before.coresBusy > 0.25 ? ' -- WARNING: something else is running; timings will be noisy' : ''}`,
  );
}
