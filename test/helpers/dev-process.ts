import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../fixtures/free-port.js';

export interface DevProcess {
  process: ChildProcess;
  port: number;
  dataDir: string;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** SIGTERM, and its exit code (or signal) once it has exited. */
  stop(): Promise<number | string | null>;
  /** SIGKILL if still running, then removes its data dir; for afterAll. */
  cleanup(): Promise<void>;
}

/**
 * `npm run dev` as a real process (`tsx local/dev.ts`) on a free port, with a data dir of its own and the
 * queue prefix `<name>-<port>`; `env` adds or overrides variables (REDIS_URL...).
 */
export async function startDevProcess(name: string, env: Record<string, string> = {}): Promise<DevProcess> {
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), `ferry-${name}-`));
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/dev.ts'], {
    env: {
      PATH: process.env.PATH ?? '',
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      PORT: String(port),
      HOST: '127.0.0.1',
      FERRY_DATA_DIR: dataDir,
      QUEUE_PREFIX: `${name}-${port}`,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = once(child, 'exit');
  return {
    process: child,
    port,
    dataDir,
    output: () => out,
    async stop() {
      child.kill('SIGTERM');
      const [code, signal] = (await exited) as [number | null, string | null];
      return code ?? signal;
    },
    async cleanup() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
