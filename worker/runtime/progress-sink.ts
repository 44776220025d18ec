/** Where a job's pieces report what they did; the processor plumbing writes it to the job (ProgressReporter). */
export interface ProgressSink {
  /** `n` more bytes downloaded. */
  bytes(n: number): void;
  /** One more file done, or failed. */
  fileDone(failed: boolean): void;
}
