import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { LOCAL_CREDENTIALS } from '../../local/stack.js';

export interface ChildWorker {
  process: ChildProcess;
  /** Everything it wrote (JSON log lines). */
  output(): string;
  /** Resolves with the exit code (or signal) once it has exited. */
  exited: Promise<number | string | null>;
}

/**
 * Runs a ferry entry (`api/server.ts`, `worker/main.ts`) as a real separate process, configured by `env` alone
 * (with the embedded stack's credentials), so a test can read its output, SIGTERM or SIGKILL it.
 */
export function startChildProcess(entry: string, env: Record<string, string>): ChildWorker {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: {
      PATH: process.env.PATH ?? '',
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string | null);
  return { process: child, output: () => out, exited };
}

/** Runs `worker/main.ts` as a real separate process (info-level logs), so a test can SIGTERM or SIGKILL it. */
export function startChildWorker(env: Record<string, string>): ChildWorker {
  return startChildProcess('worker/main.ts', { ...env, LOG_LEVEL: 'info' });
}
