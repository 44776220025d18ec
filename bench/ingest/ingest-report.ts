import type { BaselineResult } from '../baselines/baseline-runner.js';
import type { Log } from '../harness/bench-session.js';
import type { CpuSample } from '../measure/cpu-meter.js';
import { mbFromKb, renderTable, seconds } from '../measure/format.js';
import type { IngestRunResult } from './ingest-run.js';

const TARGET_URLS = 1000;
const TARGET_JOB_MS = 1000;

export type MeasuredBaseline = BaselineResult & { sample: CpuSample };

export interface IngestBenchResult {
  urls: number;
  fileBytes: number;
  concurrency: number;
  download?: MeasuredBaseline;
  run1?: IngestRunResult;
  run2?: IngestRunResult;
  batchGet?: MeasuredBaseline;
  workerIdleRssKb?: number;
  problems: string[];
  /** Profile summaries, with --profile. */
  profile: string[];
}

const ms = (n: number) => n.toFixed(n < 10 ? 2 : n < 100 ? 1 : 0);
const cpu = (n: number | undefined, per = 1) => (n === undefined || Number.isNaN(n) ? '-' : seconds(n / per));
const cores = (s: CpuSample) => `${s.coresBusy.toFixed(2)}/${s.cores}`;

function baselineRow(name: string, b: MeasuredBaseline, urls: number): string[] {
  // A repeated baseline's CPU covers every repeat: show one repeat's share, as its wall time is one (the median).
  const per = b.runsMs?.length ?? 1;
  return [
    name,
    ms(b.ms),
    '-',
    ms(b.ms / urls),
    cpu(b.cpuMs, per),
    cpu(b.sample.cpuMs.fileServer, per),
    cpu(b.sample.cpuMs.bench, per),
    cores(b.sample),
    '-',
  ];
}

function runRow(name: string, r: IngestRunResult): string[] {
  const c = r.sample.cpuMs;
  return [
    name,
    ms(r.wallMs),
    ms(r.jobMs),
    ms(r.jobMs / r.urls),
    cpu(c.worker),
    cpu(c.fileServer),
    cpu(c.bench),
    cores(r.sample),
    String(r.fileServerRequests),
  ];
}

/** The runs and baselines side by side, the two ratios, the worker's memory and the target; reports only. */
export function printIngestSummary(r: IngestBenchResult, log: Log): void {
  log(
    `\n=== summary (ingest job, ${r.urls} URLs x ${r.fileBytes / 1024} KiB, DOWNLOAD_CONCURRENCY ${r.concurrency}) ===`,
  );
  const rows: string[][] = [];
  if (r.download)
    rows.push(baselineRow(`download only (got -> discard, ${r.concurrency} at a time)`, r.download, r.urls));
  if (r.run1) rows.push(runRow('run 1: ingest, all new', r.run1));
  if (r.batchGet)
    rows.push(
      baselineRow(
        `raw BatchGetItem, 100 keys per request (median of ${r.batchGet.runsMs?.length ?? 1})`,
        r.batchGet,
        r.urls,
      ),
    );
  if (r.run2) rows.push(runRow('run 2: ingest, all existing', r.run2));
  log(
    renderTable(
      [
        'phase',
        'wall ms',
        'job ms',
        'ms per URL',
        'client CPU s',
        'file server CPU s',
        'bench proc CPU s',
        'cores busy',
        'file server requests',
      ],
      rows,
    ),
  );
  log(
    '  wall = POST -> finishedAt for a job, the work alone for a baseline; job = startedAt -> finishedAt; ms per URL from job (or baseline) time',
  );
  log(
    '  client = the baseline child or the worker; bench proc = s3rver + dynalite + API + this orchestrator; cores busy is machine-wide',
  );
  if (r.batchGet?.runsMs) log(`  raw BatchGetItem repeats: ${r.batchGet.runsMs.map((t) => `${ms(t)} ms`).join(', ')}`);
  for (const run of [r.run1, r.run2]) {
    if (!run) continue;
    const c = run.sample.cpuMs;
    log(
      `  ${run.label}: picked up after ${run.pickupMs} ms; worker CPU ${cpu(c.worker)} s, of which ${cpu(c.workerMainThread)} s on its main thread`,
    );
  }
  for (const line of r.profile) log(`  ${line}`);

  log('ratios:');
  if (r.run1?.items && r.download)
    log(
      `  run 1 job time / download-only time = ${seconds(r.run1.jobMs)} / ${seconds(r.download.ms)} = ${(r.run1.jobMs / r.download.ms).toFixed(2)}`,
    );
  if (r.run2?.items && r.batchGet) {
    log(
      `  run 2 job time / raw BatchGetItem time = ${ms(r.run2.jobMs)} ms / ${ms(r.batchGet.ms)} ms = ${(r.run2.jobMs / r.batchGet.ms).toFixed(1)}`,
    );
  }
  const rss = [
    r.workerIdleRssKb === undefined ? undefined : `idle ${mbFromKb(r.workerIdleRssKb)} MB`,
    r.run1 ? `peak after run 1 ${mbFromKb(r.run1.workerPeakRssKb)} MB` : undefined,
    r.run2 ? `peak after run 2 ${mbFromKb(r.run2.workerPeakRssKb)} MB` : undefined,
  ].filter(Boolean);
  if (rss.length > 0) log(`worker RSS (VmHWM is the peak since it started): ${rss.join(', ')}`);

  log('target (reported, not enforced):');
  const scope = r.urls === TARGET_URLS ? '' : ` (this run has ${r.urls} URLs)`;
  const verdict = r.run2?.items
    ? `${ms(r.run2.jobMs)} ms: ${r.run2.jobMs < TARGET_JOB_MS ? 'met' : 'MISSED'}`
    : 'not measured';
  log(`  all-existing run of 1,000 URLs completes in under 1 second of job time${scope}: ${verdict}`);
  for (const p of r.problems) log(`PROBLEM: ${p}`);
  if (r.problems.length === 0 && r.run1?.items && r.run2?.items) log('checks: all passed');
}
