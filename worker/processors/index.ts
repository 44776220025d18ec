import type { Processor } from 'bullmq';
import type { QueueName } from '../../shared/jobs.js';
import type { BuildZipDeps } from '../zip/build-zip.js';
import { createZipProcessor } from './zip.processor.js';

export type ProcessorDeps = BuildZipDeps;

/** Exactly one handler per queue; a queue without one is listed as not built yet and gets no worker. */
export function createProcessors(deps: ProcessorDeps): Partial<Record<QueueName, Processor>> {
  return { zip: createZipProcessor(deps) };
}
