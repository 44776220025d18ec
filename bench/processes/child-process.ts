import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface TsChild {
  name: string;
  /** The pid of the node process running the module itself (no tsx CLI wrapper in between). */
  pid: number;
  process: ChildProcess;
  exited: Promise<ChildExit>;
  hasExited(): boolean;
  /** The next IPC message; rejects if the child exits first. */
  nextMessage<T>(): Promise<T>;
  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves once the child is gone. */
  stop(timeoutMs?: number): Promise<void>;
}

export interface SpawnTsOptions {
  args?: string[];
  /** Options for node itself (before `--import tsx`), e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  env?: NodeJS.ProcessEnv;
  ipc?: boolean;
}

function forward(stream: Readable | null, name: string): void {
  if (!stream) return;
  createInterface({ input: stream }).on('line', (line) => process.stdout.write(`    [${name}] ${line}\n`));
}

/**
 * Runs a TypeScript module (path relative to the repo root) as `node --import tsx <entry>`: the child is node
 * itself, so its /proc entry is the process whose memory and CPU we want. Its output is echoed with a prefix.
 */
export function spawnTs(
  name: string,
  entry: string,
  { args = [], nodeArgs = [], env = process.env, ipc = false }: SpawnTsOptions = {},
): TsChild {
  // Compiled entries (dist/*.js) run on plain node, as in production.
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...nodeArgs, ...loader, entry, ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${name} (${entry})`);
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

  return {
    name,
    pid: child.pid,
    process: child,
    exited,
    hasExited: () => exit !== undefined,
    nextMessage<T>() {
      return new Promise<T>((resolve, reject) => {
        if (exit) {
          reject(new Error(`${name} exited (${exit.signal ?? exit.code}) before reporting`));
          return;
        }
        const onMessage = (m: unknown) => {
          done();
          resolve(m as T);
        };
        const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
          done();
          reject(new Error(`${name} exited (${signal ?? code}) before reporting`));
        };
        const done = () => {
          child.off('message', onMessage);
          child.off('exit', onExit);
        };
        child.on('message', onMessage);
        child.on('exit', onExit);
      });
    },
    async stop(timeoutMs = 15_000) {
      if (exit) return;
      child.kill('SIGTERM');
      const timedOut = await Promise.race([exited.then(() => false), sleep(timeoutMs, true, { ref: false })]);
      if (timedOut && !exit) {
        process.stdout.write(`    [${name}] did not stop within ${timeoutMs} ms: SIGKILL\n`);
        child.kill('SIGKILL');
      }
      await exited;
    },
  };
}
