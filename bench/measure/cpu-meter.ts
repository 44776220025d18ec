import { availableParallelism } from 'node:os';
import { readCpuMs, readSystemTicks } from './proc-stats.js';

export interface CpuSample {
  wallMs: number;
  /** CPU ms spent by each measured process during the window (NaN if it could not be read). */
  cpuMs: Record<string, number>;
  /** Average number of cores busy machine-wide during the window. */
  coresBusy: number;
  cores: number;
}

/** A process by pid, this process, or only the main thread (the JavaScript thread) of a process. */
export type CpuTarget = number | 'self' | { mainThreadOf: number };

function cpuOf(target: CpuTarget): number {
  if (target === 'self') {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
  try {
    return typeof target === 'number' ? readCpuMs(target) : readCpuMs(target.mainThreadOf, target.mainThreadOf);
  } catch {
    return Number.NaN;
  }
}

/**
 * Starts measuring wall time, the CPU time of the named processes (`'self'` is this process) and machine-wide
 * CPU use; the returned function ends the window. Read a process before it exits.
 */
export function startCpuMeter(targets: Record<string, CpuTarget>): () => CpuSample {
  const cores = availableParallelism();
  const t0 = performance.now();
  const sys0 = readSystemTicks();
  const before = Object.fromEntries(Object.entries(targets).map(([name, t]) => [name, cpuOf(t)]));
  return () => {
    const cpuMs = Object.fromEntries(Object.entries(targets).map(([name, t]) => [name, cpuOf(t) - before[name]!]));
    const sys1 = readSystemTicks();
    const total = sys1.total - sys0.total;
    return {
      wallMs: performance.now() - t0,
      cpuMs,
      coresBusy: total > 0 ? ((sys1.busy - sys0.busy) / total) * cores : 0,
      cores,
    };
  };
}
