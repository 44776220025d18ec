import type { Processor } from 'bullmq';
import type { QueueName } from '../../shared/jobs.js';
import type { Logger } from '../../shared/logger.js';
import type { IngestDeps } from '../ingest/ingest-media.js';
import type { BuildZipDeps } from '../zip/build-zip.js';
import { createIngestProcessor } from './ingest.processor.js';
import { createZipProcessor } from './zip.processor.js';

export type ProcessorDeps = Omit<BuildZipDeps & IngestDeps, 'logger'>;

/** Exactly one handler per job queue. The `webhook` queue has none yet (webhooks are not built). */
export function createProcessors(deps: ProcessorDeps, logger: Logger): Partial<Record<QueueName, Processor>> {
  return { zip: createZipProcessor({ ...deps, logger }, logger), ingest: createIngestProcessor({ ...deps, logger }, logger) };
}
