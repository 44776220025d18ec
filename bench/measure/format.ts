const MiB = 1024 * 1024;

export const seconds = (ms: number) => (ms / 1000).toFixed(2);
export const mib = (bytes: number) => (bytes / MiB).toFixed(1);
/** MB (10^6 bytes) from the KiB that /proc reports. */
export const mbFromKb = (kb: number) => ((kb * 1024) / 1e6).toFixed(1);
export const mibPerSecond = (bytes: number, ms: number) => (bytes / MiB / (ms / 1000)).toFixed(1);

/** A plain-text table: the first column left-aligned, the rest right-aligned. */
export function renderTable(head: string[], rows: string[][], indent = '  '): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    indent + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const rule = indent + widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(head), rule, ...rows.map(line)].join('\n');
}
