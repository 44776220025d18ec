import { spawnTs } from '../../fixtures/child-process.js';
import { startCpuMeter, type CpuSample, type CpuTarget } from '../measure/cpu-meter.js';
import type { SyntheticKind } from '../synthetic/synthetic-files.js';

export type BaselineSpec =
  | { kind: 'download'; origin: string; files: number; concurrency: number; set?: SyntheticKind }
  | { kind: 'upload'; key: string; bytes: number; partSize: number; queueSize: number }
  /** The media index keys of the file server's first `files` URLs for `tenant`, looked up `repeat` times. */
  | { kind: 'batch-get'; origin: string; files: number; tenant: string; repeat: number }
  /** A peer zip (bench/peers/) of the file server's first `files` files of `set`, uploaded to `key`. */
  | {
      kind: 'recipe' | 'seed';
      origin: string;
      files: number;
      set: SyntheticKind;
      concurrency: number;
      store: boolean;
      key: string;
      partSize: number;
      queueSize: number;
      /** seed: where its temp folder goes. */
      tempDir: string;
    }
  /** The first `files` text files, downloaded first (not timed), then deflated `parallel` at a time. */
  | { kind: 'deflate-alone'; origin: string; files: number; parallel: number; tempDir: string };

export interface BaselineResult {
  /** Wall time of the transfer alone (process start-up excluded); with several repeats, their median. */
  ms: number;
  /** CPU time the baseline process spent on it (all repeats). */
  cpuMs: number;
  bytes: number;
  peakRssKb: number;
  /** batch-get: the wall time of each repeat. */
  runsMs?: number[];
  /** batch-get: the items found (in the last repeat). */
  items?: number;
}

/** Child -> parent: `ready` once loaded, then `result` or `error`. Parent -> child: `go`. */
export type BaselineMessage =
  { type: 'ready' } | { type: 'result'; result: BaselineResult } | { type: 'error'; message: string };

/**
 * Runs one baseline in a child process (bench/baselines/baseline.child.ts) with the worker's environment, so that it
 * competes for the cores the way the worker does instead of sharing an event loop with s3rver. The CPU of
 * `targets` is measured from `go` to the result, so the child's start-up is not counted.
 */
export async function runBaseline(
  spec: BaselineSpec,
  env: NodeJS.ProcessEnv,
  targets: Record<string, CpuTarget>,
): Promise<BaselineResult & { sample: CpuSample }> {
  const child = spawnTs(`${spec.kind} baseline`, 'bench/baselines/baseline.child.ts', {
    env,
    ipc: true,
    args: [JSON.stringify(spec)],
  });
  try {
    const ready = await child.nextMessage<BaselineMessage>();
    if (ready.type !== 'ready') throw new Error(`${spec.kind} baseline: expected ready, got ${JSON.stringify(ready)}`);
    const stop = startCpuMeter(targets);
    const answer = child.nextMessage<BaselineMessage>();
    child.process.send({ type: 'go' });
    const msg = await answer;
    const sample = stop();
    if (msg.type === 'error') throw new Error(`${spec.kind} baseline failed: ${msg.message}`);
    if (msg.type !== 'result') throw new Error(`${spec.kind} baseline: unexpected ${JSON.stringify(msg)}`);
    return { ...msg.result, sample };
  } finally {
    await child.stop();
  }
}
