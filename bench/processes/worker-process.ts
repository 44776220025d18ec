import { setTimeout as sleep } from 'node:timers/promises';
import type { Queue } from 'bullmq';
import { spawnTs, type TsChild } from '../../fixtures/child-process.js';
import { compileOnce } from '../../fixtures/compile-once.js';

/**
 * Starts the real worker (compiled: dist/worker/main.js) as a child process and resolves once it has registered with the
 * queue, so that a job posted afterwards measures work, not start-up.
 */
export async function startWorkerProcess(
  env: NodeJS.ProcessEnv,
  queue: Queue,
  { nodeArgs = [], timeoutMs = 60_000 }: { nodeArgs?: string[]; timeoutMs?: number } = {},
): Promise<TsChild> {
  compileOnce();
  const worker = spawnTs('worker', 'dist/worker/main.js', { env, nodeArgs });
  const deadline = Date.now() + timeoutMs;
  while ((await queue.getWorkersCount()) < 1) {
    if (worker.hasExited()) {
      const { code, signal } = await worker.exited;
      throw new Error(`the worker exited during start-up (${signal ?? code})`);
    }
    if (Date.now() > deadline) {
      await worker.stop();
      throw new Error(`the worker did not register with queue "${queue.name}" within ${timeoutMs} ms`);
    }
    await sleep(100);
  }
  return worker;
}
