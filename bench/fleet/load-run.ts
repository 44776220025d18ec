import { spawnTs } from '../../fixtures/child-process.js';

export interface LoadSpec {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  seconds: number;
  /** Requests in flight at once (closed loop: each sends the next when its answer is read). */
  concurrency: number;
  /** Statuses that count as served (202 for POST /v1/zips, 200 for the hello-world). */
  okStatuses: number[];
}

export interface LoadResult {
  requests: number;
  ok: number;
  okPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  statuses: Record<string, number>;
}

export type LoadMessage = { type: 'result'; result: LoadResult } | { type: 'error'; message: string };

/** Runs `spec` from a child process (bench/fleet/load.child.ts) and resolves with what it measured. */
export async function runLoad(name: string, spec: LoadSpec): Promise<LoadResult> {
  const child = spawnTs(name, 'bench/fleet/load.child.ts', { ipc: true, args: [JSON.stringify(spec)] });
  try {
    const msg = await child.nextMessage<LoadMessage>();
    if (msg.type === 'error') throw new Error(`${name} failed: ${msg.message}`);
    return msg.result;
  } finally {
    await child.stop();
  }
}
