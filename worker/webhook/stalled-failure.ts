import type { Worker } from 'bullmq';
import type { Logger } from '../../shared/logger.js';
import type { FinalStateListener } from '../runtime/final-state.js';

/**
 * Queues the `job.failed` delivery of a job BullMQ fails without running the processor: one that stalled more
 * often than `maxStalledCount` (or started more often than `maxStartedAttempts`) is failed by the next worker
 * that picks it up, so defineProcessor never sees it. Failures the processor threw already queued theirs.
 */
export function queueDeliveryOnStalledFailure(worker: Worker, onFinal: FinalStateListener, logger: Logger): void {
  worker.on('failed', (job, err) => {
    if (!job || !failedBeforeProcessing(job.deferredFailure, err.message)) return;
    onFinal(job, 'job.failed').catch((e: unknown) =>
      logger.error({ err: e, jobId: job.id, queue: job.queueName }, 'could not queue the webhook'),
    );
  });
}

/** The reasons BullMQ's Worker fails a job with before calling the processor (Worker.getUnrecoverableErrorMessage). */
function failedBeforeProcessing(deferredFailure: string | undefined, message: string): boolean {
  return (
    (deferredFailure !== undefined && deferredFailure !== '' && message === deferredFailure) ||
    message === 'job started more than allowable limit'
  );
}
