// A closed-loop HTTP load generator in a process of its own, so that it does not share the event loop of the
// server it measures. argv[2]: a LoadSpec as JSON; sends one LoadMessage over IPC and exits.
import type { LoadMessage, LoadSpec } from './load-run.js';

const spec = JSON.parse(process.argv[2]!) as LoadSpec;

async function run(): Promise<LoadMessage> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const started = performance.now();
  const deadline = started + spec.seconds * 1000;
  const loop = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      const res = await fetch(spec.url, { method: spec.method, headers: spec.headers, body: spec.body });
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, loop));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  const ok = Object.entries(statuses)
    .filter(([s]) => spec.okStatuses.includes(Number(s)))
    .reduce((n, [, c]) => n + c, 0);
  return {
    type: 'result',
    result: { requests: latencies.length, ok, okPerSecond: ok / seconds, p50Ms: at(0.5), p99Ms: at(0.99), statuses },
  };
}

run().then(
  (m) => process.send!(m, () => process.exit(0)),
  (err: unknown) =>
    process.send!({ type: 'error', message: err instanceof Error ? err.message : String(err) }, () => process.exit(1)),
);
