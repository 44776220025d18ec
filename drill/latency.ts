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
    p(percentile: number): number {
      const sorted = [...samples].sort((a, b) => a - b);
      return sorted[Math.min(sorted.length - 1, Math.floor((percentile / 100) * sorted.length))] ?? Number.NaN;
    },
    count: () => samples.length,
  };
}
