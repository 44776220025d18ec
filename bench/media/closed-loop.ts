import { performance } from 'node:perf_hooks';

export interface LoopResult {
  count: number;
  ms: number;
  /** Each call's duration, in ms. */
  latencies: number[];
  errors: number;
  firstError?: string;
}

/**
 * `concurrency` callers, each calling `call(i)` again as soon as the last one finished, until `total` calls were
 * started or `untilMs` has passed: a closed loop, so the throughput measured is the system's, not the client's.
 */
export async function closedLoop(
  concurrency: number,
  stop: { total?: number; untilMs?: number },
  call: (i: number) => Promise<void>,
): Promise<LoopResult> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const more = () =>
    (stop.total === undefined || next < stop.total) &&
    (stop.untilMs === undefined || performance.now() - start < stop.untilMs);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (more()) {
        const i = next++;
        const t = performance.now();
        try {
          await call(i);
          latencies.push(performance.now() - t);
        } catch (err) {
          errors++;
          firstError ??= err instanceof Error ? err.message : String(err);
        }
      }
    }),
  );
  return { count: latencies.length, ms: performance.now() - start, latencies, errors, firstError };
}

/** The q-quantile (0-1) of `values`, in their unit. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** Calls `probe` every `everyMs` until `stop()` resolves it: the latencies of a light, steady client. */
export function startProbe(probe: () => Promise<void>, everyMs: number): { stop(): Promise<number[]> } {
  const latencies: number[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const t = performance.now();
      await probe();
      latencies.push(performance.now() - t);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      return latencies;
    },
  };
}
