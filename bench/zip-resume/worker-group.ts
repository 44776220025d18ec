import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Queue } from 'bullmq';
import { REPO_ROOT, type ChildExit } from '../../fixtures/child-process.js';
import { compileOnce } from '../../fixtures/compile-once.js';
import { killOnExit } from '../../fixtures/kill-on-exit.js';

/** The compiled worker in a process group of its own, so that a crash can be a SIGKILL to the whole group. */
export interface WorkerGroup {
  name: string;
  /** The worker's pid, which is also its process group's id. */
  pid: number;
  exited: Promise<ChildExit>;
  hasExited(): boolean;
  /** SIGKILL to every process of the group (a crash: nothing runs any more, no clean-up, no lock released). */
  crash(): void;
  /** SIGTERM (a graceful stop), then SIGKILL to the group after `timeoutMs`; resolves once it is gone. */
  stop(timeoutMs?: number): Promise<void>;
}

function forward(stream: Readable | null, name: string): void {
  if (!stream) return;
  createInterface({ input: stream }).on('line', (line) => process.stdout.write(`    [${name}] ${line}\n`));
}

/** Starts `node dist/worker/main.js` (compiled once per bench) as the leader of a new process group. */
export function startWorkerGroup(name: string, env: NodeJS.ProcessEnv): WorkerGroup {
  compileOnce();
  const child = spawn(process.execPath, ['dist/worker/main.js'], {
    cwd: REPO_ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${name}`);
  // Detached: a bench that dies must not leave it running.
  killOnExit(child);
  forward(child.stdout, name);
  forward(child.stderr, name);
  let exit: ChildExit | undefined;
  const exited = new Promise<ChildExit>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    }),
  );
  child.on('error', (err) => process.stdout.write(`    [${name}] process error: ${err.message}\n`));
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch (err) {
      // ESRCH: the group is gone already.
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  };
  return {
    name,
    pid,
    exited,
    hasExited: () => exit !== undefined,
    crash: () => killGroup('SIGKILL'),
    async stop(timeoutMs = 15_000) {
      if (exit) return;
      child.kill('SIGTERM');
      const timedOut = await Promise.race([exited.then(() => false), sleep(timeoutMs, true, { ref: false })]);
      if (timedOut && !exit) {
        process.stdout.write(`    [${name}] did not stop within ${timeoutMs} ms: SIGKILL\n`);
        killGroup('SIGKILL');
      }
      await exited;
    },
  };
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
