import type { FerryError } from '../client/ferry-error.js';
import type { JobDocument, JobProgress } from '../client/types.js';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 1536 -> "1.5 KiB". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** 75 -> "1:15", 3700 -> "1:01:40". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** "3/10 files, 12.0 MiB" (and how many failed, when some did). */
export function formatProgress(p: JobProgress): string {
  const failed = p.filesFailed > 0 ? `, ${p.filesFailed} failed` : '';
  return `${p.filesDone}/${p.filesTotal} files${failed}, ${formatBytes(p.bytesDownloaded)}`;
}

/** The lines a person reads about a job: its state, what it made or why it failed. */
export function describeJob(doc: JobDocument): string[] {
  const lines = [`${doc.id}  ${doc.type}  ${doc.state}  ${formatProgress(doc.progress)}`];
  if (doc.error) lines.push(`error: ${doc.error.code}: ${doc.error.message}`);
  if (doc.type === 'zip' && doc.result) {
    const r = doc.result;
    lines.push(`archive: ${r.filename} (${r.entries.length} files, ${formatBytes(r.size)}), expires ${r.expiresAt}`);
    // The share page (when the deployment has it) is what a person should be sent; the download link expires.
    if (r.shareUrl !== undefined) lines.push(`share: ${r.shareUrl}`);
    lines.push(r.downloadUrl === undefined ? 'download: expired' : `download: ${r.downloadUrl}`);
    for (const f of r.failures) lines.push(`skipped: ${f.url}: ${f.code}: ${f.message}`);
  }
  if (doc.type === 'ingest' && doc.result) {
    for (const item of doc.result.items) {
      lines.push(
        item.status === 'failed'
          ? `failed    ${item.url}  ${item.error?.code ?? 'error'}: ${item.error?.message ?? ''}`
          : `${item.status.padEnd(8)}  ${item.url}  ${item.key ?? ''}  ${item.publicUrl ?? ''}`,
      );
    }
  }
  return lines;
}

/** A FerryError as one line, with the fields the API named (400 details). */
export function describeError(e: FerryError): string {
  const details = Array.isArray(e.details)
    ? (e.details as { field?: string; message?: string }[]).map((d) => `\n  ${d.field ?? ''}: ${d.message ?? ''}`)
    : [];
  return `${e.message} (${e.code}${e.status ? `, HTTP ${e.status}` : ''})${details.join('')}`;
}
