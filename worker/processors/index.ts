import type { Processor } from 'bullmq';
import type { Cancellations } from '../../shared/cancellations.js';
import type { QueueName } from '../../shared/jobs.js';
import type { WorkerMetrics } from '../../shared/worker-metrics.js';
import type { Logger } from '../../shared/logger.js';
import type { IngestDeps } from '../ingest/ingest-media.js';
import type { FinalStateListener } from '../webhook/queue-delivery.js';
import type { BuildZipDeps } from '../zip/build-zip.js';
import { createIngestProcessor } from './ingest.processor.js';
import { createWebhookProcessor, type WebhookDeps } from './webhook.processor.js';
import { createZipProcessor } from './zip.processor.js';

export type ProcessorDeps = Omit<BuildZipDeps & IngestDeps, 'logger'> & {
  webhook: WebhookDeps;
  /** Hears zip and ingest jobs that are done for good: queues their webhook deliveries. */
  onFinal: FinalStateListener;
  cancellations: Cancellations;
  metrics: WorkerMetrics;
};

/** Exactly one handler per queue. */
export function createProcessors(
  { webhook, onFinal, cancellations, metrics, ...deps }: ProcessorDeps,
  logger: Logger,
): Record<QueueName, Processor> {
  return {
    zip: createZipProcessor({ ...deps, logger }, logger, { onFinal, cancellations, metrics }),
    ingest: createIngestProcessor({ ...deps, logger }, logger, { onFinal, cancellations, metrics }),
    webhook: createWebhookProcessor({ ...webhook, metrics }, logger),
  };
}
