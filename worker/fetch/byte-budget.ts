import { FetchError } from '../../shared/errors/app-error.js';

/** The bytes a whole job may still download, shared by its concurrent downloads. */
export class ByteBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  get bytesUsed(): number {
    return this.used;
  }

  /** Counts `n` more bytes; throws `job_too_large` (permanent) once the job's limit is passed. */
  take(n: number, url: string): void {
    if (this.used + n > this.limit) {
      throw new FetchError('job_too_large', `The job's downloads exceed ${this.limit} bytes`, url, true);
    }
    this.used += n;
  }

  /** Gives back what a failed or retried download had counted. */
  release(n: number): void {
    this.used -= n;
  }
}
