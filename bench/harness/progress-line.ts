import type { JobDocument } from '../../shared/jobs/job-document.js';
import { mbFromKb, mib, seconds } from '../measure/format.js';
import { readMemoryKb } from '../measure/proc-stats.js';

/** One line of a running job's progress (`t0`: when it was posted) with the worker's resident memory now. */
export function progressLine(doc: JobDocument, t0: number, workerPid: number): string {
  const p = doc.progress;
  let rss = '';
  try {
    rss = `, worker RSS ${mbFromKb(readMemoryKb(workerPid).rss)} MB`;
  } catch {
    /* the worker is gone; waitForJob reports it */
  }
  return `  ${seconds(Date.now() - t0)} s: ${doc.state}, ${p.filesDone}/${p.filesTotal} files, ${mib(p.bytesDownloaded)} MiB downloaded${rss}`;
}
