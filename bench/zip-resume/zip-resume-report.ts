import { mbFromKb, mib, renderTable, seconds } from '../measure/format.js';
import type { CrashRun, FullRun } from './resume-run.js';

/** Issue 12's target: a job killed at about 80 % completes on the next worker in <= 40 % of a full run. */
export const NEXT_TARGET = 0.4;

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** `median (min-max)` of the values, each formatted by `f`. */
function spread(values: number[], f: (n: number) => string): string {
  if (values.length === 1) return f(values[0]!);
  return `${f(median(values))} (${f(Math.min(...values))}-${f(Math.max(...values))})`;
}

const ratio = (n: number) => n.toFixed(2);

/** A's multipart upload at the kill: complete parts and their MiB. */
const partsAtKill = (c: CrashRun) =>
  c.uploadsAtKill.length === 0
    ? 'no upload'
    : c.uploadsAtKill.map((u) => `${u.parts} (${mib(u.bytes)} MiB)`).join(' + ');

/**
 * What B sent to S3, derived: the whole archive when it started a new upload; when it kept A's, the archive
 * less A's complete parts (assuming it sent none of them again, which s3rver's folder cannot show).
 */
const uploadedByB = (c: CrashRun) =>
  c.uploadsStartedByB > 0 ? c.archiveBytes : c.archiveBytes - c.uploadsAtKill.reduce((n, u) => n + u.bytes, 0);
const mibOf = (bytes: number) => mib(bytes);

/** A crash run and the full run it is compared with (the one just before it, or the only one). */
export interface ResumePair {
  full: FullRun;
  crash: CrashRun;
}

/** One row per crash run, then the medians with their ranges, and the target. */
export function printResumeSummary(
  pairs: ResumePair[],
  job: { files: number; bytes: number },
  log: (line: string) => void,
): void {
  const fulls = [...new Set(pairs.map((p) => p.full))];
  const crashes = pairs.map((p) => p.crash);
  if (pairs.length === 0) return;
  log(
    `
${fulls.length === 1 ? 'full run' : `${fulls.length} full runs, one before each crash run`}: T_full = ${spread(
      fulls.map((f) => f.ms),
      seconds,
    )} s (went active -> completed), worker peak RSS ${spread(
      fulls.map((f) => f.peakRssKb),
      (kb) => mbFromKb(kb),
    )} MB`,
  );
  const row = (name: string, { full, crash: c }: ResumePair) => [
    name,
    `${c.atKill.filesDone}/${job.files}`,
    seconds(full.ms),
    seconds(c.beforeKillMs),
    seconds(c.takeoverMs),
    seconds(c.nextMs),
    ratio(c.nextMs / full.ms),
    seconds(c.killMs),
    ratio(c.killMs / full.ms),
    partsAtKill(c),
    c.uploadsStartedByB === 0 ? "kept A's" : 'new',
    String(c.servedAfterKill.requests),
    mibOf(c.servedAfterKill.bytes),
    ratio(c.servedAfterKill.bytes / job.bytes),
    mbFromKb(c.peakRssKbB),
  ];
  log(
    renderTable(
      [
        'crash run',
        'killed at',
        'T_full s',
        'A ran s',
        'takeover s',
        'T_next s',
        'T_next/T_full',
        'T_kill s',
        'T_kill/T_full',
        'parts at kill',
        'B upload',
        'B requests',
        'B MiB down',
        'B down/job',
        'B peak RSS MB',
      ],
      pairs.map((p, i) => row(`${i + 1}`, p)),
    ),
  );
  const next = pairs.map((p) => p.crash.nextMs / p.full.ms);
  const kill = pairs.map((p) => p.crash.killMs / p.full.ms);
  const of = (f: (c: CrashRun) => number) => crashes.map(f);
  log(`\n${crashes.length} crash run${crashes.length === 1 ? '' : 's'}, median (min-max):`);
  log(
    `  T_next / T_full = ${spread(next, ratio)}  (T_next ${spread(
      of((c) => c.nextMs),
      seconds,
    )} s; target <= ${NEXT_TARGET}: ${median(next) <= NEXT_TARGET ? 'met' : 'NOT met'})`,
  );
  log(
    `  after the last file was in (last parts, central directory, CompleteMultipartUpload): full ${spread(
      pairs.map((p) => p.full.tailMs),
      seconds,
    )} s, B ${spread(
      of((c) => c.tailMs),
      seconds,
    )} s; T_next / T_full without it: ${spread(
      pairs.map((p) => (p.crash.nextMs - p.crash.tailMs) / (p.full.ms - p.full.tailMs)),
      ratio,
    )}`,
  );
  log(
    `  T_kill / T_full = ${spread(kill, ratio)}  (T_kill ${spread(
      of((c) => c.killMs),
      seconds,
    )} s, of which the takeover ${spread(
      of((c) => c.takeoverMs),
      seconds,
    )} s)`,
  );
  log(
    `  worker B downloaded ${spread(
      of((c) => c.servedAfterKill.bytes),
      mibOf,
    )} MiB in ${spread(
      of((c) => c.servedAfterKill.requests),
      String,
    )} requests (the job: ${mibOf(job.bytes)} MiB, ${job.files} files; worker A had ${spread(
      of((c) => c.servedByA.bytes),
      mibOf,
    )} MiB)`,
  );
  log(
    `  the job's progress: ${spread(
      of((c) => c.atKill.bytesDownloaded),
      mibOf,
    )} MiB downloaded at the kill, ${spread(
      of((c) => c.atEnd.bytesDownloaded),
      mibOf,
    )} MiB at the end`,
  );
  const kept = crashes.filter((c) => c.uploadsStartedByB === 0).length;
  const partsBytes = (c: CrashRun) => c.uploadsAtKill.reduce((n, u) => n + u.bytes, 0);
  log(
    `  multipart upload: B kept A's in ${kept} of ${crashes.length} runs; B uploaded about ${spread(of(uploadedByB), mibOf)} MiB of the ${mibOf(crashes[0]!.archiveBytes)} MiB archive (A's complete parts at the kill: ${spread(of(partsBytes), mibOf)} MiB)`,
  );
  log(
    `  worker B peak RSS ${spread(
      of((c) => c.peakRssKbB),
      (kb) => mbFromKb(kb),
    )} MB`,
  );
}
