import { setTimeout as sleep } from 'node:timers/promises';
import type { Queue } from 'bullmq';
import { spawnTs, type TsChild } from '../../fixtures/child-process.js';
import { compileOnce } from '../../fixtures/compile-once.js';

/** The compiled worker in a process group of its own, so that a crash can be a SIGKILL to the whole group. */
export type WorkerGroup = TsChild;

/** Starts `node dist/worker/main.js` (compiled once per bench) as the leader of a new process group. */
export function startWorkerGroup(name: string, env: NodeJS.ProcessEnv): WorkerGroup {
  compileOnce();
  return spawnTs(name, 'dist/worker/main.js', { env, detached: true });
}

/** Resolves once `count` workers are registered with `queue` (the queue's connections named as BullMQ workers). */
export async function waitForWorkers(queue: Queue, count: number, worker: WorkerGroup, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while ((await queue.getWorkersCount()) < count) {
    if (worker.hasExited()) {
      const { code, signal } = await worker.exited;
      throw new Error(`${worker.name} exited during start-up (${signal ?? code})`);
    }
    if (Date.now() > deadline) throw new Error(`${worker.name} did not register with queue "${queue.name}" in time`);
    await sleep(100);
  }
}
