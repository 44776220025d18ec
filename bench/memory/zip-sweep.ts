import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { maxArchiveBytes, partSizeFor } from '../../worker/upload/part-size.js';
import { runBaseline } from '../baselines/baseline-runner.js';
import { log, reportIdleMachine, runBenchSession } from '../harness/bench-session.js';
import { startBenchStack } from '../harness/bench-stack.js';
import { UsageError } from '../harness/usage-error.js';
import { waitForJob } from '../harness/wait-for-job.js';
import { mbFromKb, renderTable, seconds } from '../measure/format.js';
import { readMemoryKb } from '../measure/proc-stats.js';
import { startWorkerProcess } from '../processes/worker-process.js';
import { syntheticFileUrls } from '../synthetic/synthetic-files.js';

const MiB = 1024 * 1024;

/** Resident memory by kind, KiB: anonymous (heaps, buffers, malloc) and file-backed (mostly node's own binary). */
function residentSplitKb(pid: number): { anon: number; file: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { anon: field('RssAnon'), file: field('RssFile') };
}

export const ZIP_SWEEP_USAGE = `usage: npm run bench -- zip-sweep [--files 200] [--size-mib 5] [--runs 3] --variant 'name:KEY=VALUE,--node-flag' ...
  Each variant is the worker started with extra environment variables and node flags; "base" (none) is always run.
  Rounds interleave the variants (base, a, b, base, a, b...), and the upload-only baseline is measured once per round.`;

/** A worker configuration: environment variables and node options on top of the bench's. */
interface Variant {
  name: string;
  env: Record<string, string>;
  nodeArgs: string[];
}

function parseVariant(spec: string): Variant {
  const colon = spec.indexOf(':');
  if (colon <= 0) throw new UsageError(`--variant "${spec}": expected name:KEY=VALUE,--flag\n${ZIP_SWEEP_USAGE}`);
  const variant: Variant = { name: spec.slice(0, colon), env: {}, nodeArgs: [] };
  for (const item of spec
    .slice(colon + 1)
    .split(',')
    .filter(Boolean)) {
    if (item.startsWith('--')) variant.nodeArgs.push(item);
    else {
      const eq = item.indexOf('=');
      if (eq <= 0) throw new UsageError(`--variant "${spec}": "${item}" is neither KEY=VALUE nor --flag`);
      variant.env[item.slice(0, eq)] = item.slice(eq + 1);
    }
  }
  return variant;
}

interface Sample {
  ms: number;
  ratio: number;
  idleKb: number;
  peakKb: number;
  /** At the job's end (the peak has no split). */
  endAnonKb: number;
  endFileKb: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const range = (xs: number[], f: (x: number) => string) =>
  `${f(median(xs))} (${f(Math.min(...xs))}-${f(Math.max(...xs))})`;

/**
 * `npm run bench -- zip-sweep`: the store-mode zip job of `npm run bench -- zip` under several worker
 * configurations in one session, interleaved, each job's wall time as a ratio to the upload-only baseline
 * measured in the same round (the limit on this machine: downloads are several times faster), with the
 * worker's idle and peak RSS (a fresh worker process per job). For choosing constants and flags by the
 * numbers; reports, never asserts.
 */
export async function runZipSweep(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      files: { type: 'string', default: '200' },
      'size-mib': { type: 'string', default: '5' },
      runs: { type: 'string', default: '3' },
      concurrency: { type: 'string', default: '8' },
      variant: { type: 'string', multiple: true, default: [] },
    },
    strict: true,
  });
  const files = Number(values.files);
  const fileBytes = Math.round(Number(values['size-mib']) * MiB);
  const runs = Number(values.runs);
  const concurrency = Number(values.concurrency);
  if (![files, fileBytes, runs, concurrency].every((n) => Number.isInteger(n) && n > 0)) {
    throw new UsageError(ZIP_SWEEP_USAGE);
  }
  const variants = [{ name: 'base', env: {}, nodeArgs: [] }, ...values.variant.map(parseVariant)];
  const samples = new Map<string, Sample[]>(variants.map((v) => [v.name, []]));

  return runBenchSession(async (cleanup) => {
    log(`ferry zip sweep: ${files} x ${values['size-mib']} MiB store, ${runs} rounds of ${variants.length} variants`);
    for (const v of variants)
      log(
        `  ${v.name}: ${[...Object.entries(v.env).map(([k, x]) => `${k}=${x}`), ...v.nodeArgs].join(' ') || '(as is)'}`,
      );
    await reportIdleMachine();
    const stack = await startBenchStack({ files, fileBytes }, cleanup, log);
    const childEnv = stack.workerEnv({ downloadConcurrency: concurrency });
    const bytes = files * fileBytes;
    const partSize = partSizeFor(maxArchiveBytes(stack.limits.maxJobBytes, files));
    let running: { stop(): Promise<void> } | undefined;
    cleanup.add('stop the worker', async () => running?.stop());

    for (let round = 1; round <= runs; round++) {
      const up = await runBaseline(
        { kind: 'upload', key: `bench/sweep-upload-${round}.bin`, bytes, partSize, queueSize: 4 },
        childEnv,
        { bench: 'self' },
      );
      await stack.clients.store.delete(`bench/sweep-upload-${round}.bin`);
      log(`round ${round}: upload only ${seconds(up.ms)} s`);
      for (const v of variants) {
        const worker = await startWorkerProcess({ ...childEnv, ...v.env }, stack.queues.zip, { nodeArgs: v.nodeArgs });
        running = worker;
        try {
          const idleKb = readMemoryKb(worker.pid).rss;
          const t0 = Date.now();
          const id = await stack.api.postZip({
            filename: `sweep-${v.name}-${round}`,
            urls: syntheticFileUrls(stack.fileServer.origin, files, 'binary'),
            options: { compression: 'store' },
          });
          const doc = await waitForJob(stack.api, id, {
            timeoutMs: Math.max(120_000, (bytes / (8 * MiB)) * 1000),
            abandonIf: () => (worker.hasExited() ? 'the worker process exited' : undefined),
          });
          const peakKb = readMemoryKb(worker.pid).peak;
          const end = residentSplitKb(worker.pid);
          if (doc.state !== 'completed') throw new Error(`job ${id} ${doc.state}`);
          const ms = Date.parse(doc.finishedAt!) - t0;
          const result = doc.result as { key: string };
          await stack.clients.store.delete(result.key);
          samples
            .get(v.name)!
            .push({ ms, ratio: ms / up.ms, idleKb, peakKb, endAnonKb: end.anon, endFileKb: end.file });
          log(
            `  ${v.name}: ${seconds(ms)} s, ratio ${(ms / up.ms).toFixed(2)}, idle ${mbFromKb(idleKb)} MB, peak ${mbFromKb(peakKb)} MB, at the end anon ${mbFromKb(end.anon)} + file ${mbFromKb(end.file)} MB`,
          );
        } finally {
          await worker.stop();
          running = undefined;
        }
      }
    }
    log('\nmedian (min-max) of the rounds; ratio = job wall time / upload-only wall time of the same round');
    log(
      renderTable(
        ['variant', 'job s', 'ratio to upload-only', 'idle RSS MB', 'peak RSS MB', 'end anon / file MB'],
        variants.map((v) => {
          const s = samples.get(v.name)!;
          return [
            v.name,
            range(
              s.map((x) => x.ms),
              seconds,
            ),
            range(
              s.map((x) => x.ratio),
              (r) => r.toFixed(2),
            ),
            range(
              s.map((x) => x.idleKb),
              mbFromKb,
            ),
            range(
              s.map((x) => x.peakKb),
              mbFromKb,
            ),
            `${mbFromKb(median(s.map((x) => x.endAnonKb)))} / ${mbFromKb(median(s.map((x) => x.endFileKb)))}`,
          ];
        }),
      ),
    );
    return 0;
  });
}
