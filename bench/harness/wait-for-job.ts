import { setTimeout as sleep } from 'node:timers/promises';
import type { JobDocument } from '../../shared/jobs/job-document.js';
import type { BenchApi } from './bench-api.js';

export interface WaitForJobOptions {
  timeoutMs: number;
  pollMs?: number;
  /** Called about every `progressEveryMs` with the latest document. */
  onProgress?: (doc: JobDocument) => void;
  progressEveryMs?: number;
  /** Returns a reason to give up early (the worker died), or undefined. */
  abandonIf?: () => string | undefined;
  /** Called with every document read (every `pollMs`). */
  onPoll?: (doc: JobDocument) => void;
}

const FINAL_STATES = new Set(['completed', 'failed', 'cancelled']);

/** Polls GET /v1/jobs/:id until the job is completed, failed or cancelled. */
export async function waitForJob(api: BenchApi, id: string, o: WaitForJobOptions): Promise<JobDocument> {
  const { pollMs = 100, progressEveryMs = 2000 } = o;
  const deadline = Date.now() + o.timeoutMs;
  let lastProgress = Date.now();
  for (;;) {
    const doc = await api.getJob(id);
    o.onPoll?.(doc);
    if (FINAL_STATES.has(doc.state)) return doc;
    const reason = o.abandonIf?.();
    if (reason) throw new Error(`job ${id} abandoned while ${doc.state}: ${reason}`);
    if (Date.now() > deadline) throw new Error(`job ${id} still ${doc.state} after ${o.timeoutMs} ms`);
    if (o.onProgress && Date.now() - lastProgress >= progressEveryMs) {
      lastProgress = Date.now();
      o.onProgress(doc);
    }
    await sleep(pollMs);
  }
}
