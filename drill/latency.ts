import { setTimeout as sleep } from 'node:timers/promises';

/** Response times of `url`, sampled every `everyMs` until stopped; `p(99)` gives the 99th percentile in ms. */
export function sampleLatency(url: string, everyMs = 20) {
  const samples: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const start = performance.now();
      const res = await fetch(url).catch(() => undefined);
      await res?.arrayBuffer().catch(() => undefined);
      samples.push(performance.now() - start);
      await sleep(everyMs);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
    p: (p: number) => percentile(samples, p),
    count: () => samples.length,
  };
}

/** The `p`th percentile (0-100) of `values` in their unit; NaN when there are none. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
