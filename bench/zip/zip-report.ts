import type { CpuSample } from '../measure/cpu-meter.js';
import { mbFromKb, mib, mibPerSecond, renderTable, seconds } from '../measure/format.js';
import type { PhaseMeasure, RoundResult } from './zip-round.js';

const RATIO_TARGET = 1.15;
const RSS_TARGET_MB = 150;

const cpuSeconds = (ms: number | undefined) => (ms === undefined || Number.isNaN(ms) ? '-' : seconds(ms));
const cores = (s: CpuSample) => `${s.coresBusy.toFixed(2)}/${s.cores}`;
const rssMb = (kb: number) => (kb * 1024) / 1e6;

/** CPU the machine spent in the window beyond the processes we measured: kernel threads, other sessions. */
function otherCpuMs(m: PhaseMeasure): number {
  const measured = m.clientCpuMs + (m.sample.cpuMs.fileServer ?? 0) + (m.sample.cpuMs.bench ?? 0);
  return Math.max(0, m.sample.coresBusy * m.sample.wallMs - measured);
}

/** One run's measurements: wall time, throughput and where the CPU went, per phase. */
export function printRound(r: RoundResult, log: (line: string) => void): void {
  const row = (name: string, m: PhaseMeasure & { ms: number; peakRssKb: number }) => [
    name,
    seconds(m.ms),
    mibPerSecond(r.bytes, m.ms),
    cpuSeconds(m.clientCpuMs),
    cpuSeconds(m.sample.cpuMs.fileServer),
    cpuSeconds(m.sample.cpuMs.bench),
    cpuSeconds(otherCpuMs(m)),
    cores(m.sample),
    mbFromKb(m.peakRssKb),
  ];
  const rows = [row('download only (got -> discard)', r.download), row('upload only (lib-storage Upload)', r.upload)];
  if (r.job) rows.push(row(`zip job (API -> worker -> S3), ${r.compression}`, r.job));
  for (const p of r.peers) {
    rows.push([
      p.name,
      seconds(p.ms),
      mibPerSecond(r.bytes, p.ms),
      cpuSeconds(p.cpuMs),
      '',
      '',
      '',
      '',
      mbFromKb(p.peakRssKb),
    ]);
  }
  log(
    `\n[${r.label}] ${r.files} files, ${mib(r.bytes)} MiB of payload${r.job ? `, archive ${mib(r.job.archiveBytes)} MiB` : ''}`,
  );
  log(
    renderTable(
      [
        'phase',
        'wall s',
        'MiB/s',
        'client CPU s',
        'file server CPU s',
        'bench proc CPU s',
        'other CPU s',
        'cores busy',
        'client peak RSS MB',
      ],
      rows,
    ),
  );
  log('  client = the baseline child or the worker; bench proc = s3rver + dynalite + API + this orchestrator;');
  log(
    '  other = machine-wide busy time not in those processes (kernel, anything else running); cores busy is machine-wide',
  );
  if (r.job) {
    const { cpuMs, wallMs } = r.job.sample;
    const main = (name: string, ms = 0, all = 0) =>
      `${name} ${seconds(ms)} s on the main thread (${((ms / wallMs) * 100).toFixed(0)}% of the wall time) + ${seconds(all - ms)} s on other threads`;
    log(
      `  job CPU by thread: ${main('worker', cpuMs.workerMainThread, cpuMs.worker)}; ${main('bench proc', cpuMs.benchMainThread, cpuMs.bench)}`,
    );
  }
  if (r.ratio !== undefined) log(`  ratio = job / max(download, upload) = ${r.ratio.toFixed(2)}`);
  if (r.job) {
    for (const p of r.peers)
      log(`  ferry / ${p.name} = ${(r.job.ms / p.ms).toFixed(2)} (peer archive ${mib(p.archiveBytes)} MiB)`);
  }
  if (r.peers.length > 0) log("  peers: client CPU is their own process only (the seed's `zip` runs as a child of it)");
  if (r.failed) log(`  JOB FAILED: ${r.failed}`);
  for (const line of r.profile) log(`  ${line}`);
}

/** Both runs side by side, against the targets; reports only. */
export function printSummary(rounds: RoundResult[], log: (line: string) => void): void {
  log('\n=== summary ===');
  const peerRatio = (r: RoundResult, kind: string) => {
    const p = r.peers.find((x) => x.name.startsWith(kind));
    return r.job && p ? `${(r.job.ms / p.ms).toFixed(2)} (${seconds(p.ms)} s)` : '-';
  };
  log(
    renderTable(
      [
        'run',
        'compression',
        'files',
        'MiB',
        'job s',
        'download s',
        'upload s',
        'ratio to limit',
        'ferry/recipe',
        'ferry/seed',
        'worker idle RSS MB',
        'worker peak RSS MB',
      ],
      rounds.map((r) => [
        r.label,
        r.compression,
        String(r.files),
        mib(r.bytes),
        r.job ? seconds(r.job.ms) : 'FAILED',
        seconds(r.download.ms),
        seconds(r.upload.ms),
        r.ratio === undefined ? '-' : r.ratio.toFixed(2),
        peerRatio(r, 'recipe'),
        peerRatio(r, 'seed'),
        r.job ? mbFromKb(r.job.idleRssKb) : '-',
        r.job ? mbFromKb(r.job.peakRssKb) : '-',
      ]),
    ),
  );
  const done = rounds.filter((r) => r.job && r.ratio !== undefined && r.compression === 'store');
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  log('targets (reported, not enforced):');
  log(
    `  store ratio <= ${RATIO_TARGET}: ${done.map((r) => `${r.label} ${r.ratio!.toFixed(2)} ${verdict(r.ratio! <= RATIO_TARGET)}`).join(', ') || '-'}`,
  );
  log(
    `  peak RSS <= ${RSS_TARGET_MB} MB:  ${done.map((r) => `${r.label} ${mbFromKb(r.job!.peakRssKb)} ${verdict(rssMb(r.job!.peakRssKb) <= RSS_TARGET_MB)}`).join(', ') || '-'}`,
  );
  if (done.length === 2) {
    const [a, b] = done as [RoundResult, RoundResult];
    const growth = rssMb(b.job!.peakRssKb) - rssMb(a.job!.peakRssKb);
    log(`  peak RSS ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB for ${(b.bytes / a.bytes).toFixed(1)}x the bytes`);
  }
  const problems = rounds.flatMap((r) => [
    ...(r.failed ? [`${r.label}: ${r.failed}`] : []),
    ...r.problems.map((p) => `${r.label}: ${p}`),
  ]);
  for (const p of problems) log(`PROBLEM: ${p}`);
}
