import type { Processor } from 'bullmq';
import type { MailJobData, MailJobResult } from '../../shared/jobs/mail-delivery.js';
import type { JobDataOf, JobResultOf, JobType } from '../../shared/jobs/registry.js';
import type { WebhookJobData, WebhookJobResult } from '../../shared/jobs/webhook-delivery.js';
import type { QueueName } from '../../shared/queues.js';
import type { IngestDeps } from '../ingest/ingest-media.js';
import type { ProcessorRuntime } from '../runtime/define-processor.js';
import type { BuildZipDeps } from '../zip/build-zip.js';
import type { ShareArchiveDeps } from '../zip/share-archive.js';
import { createIngestProcessor } from './ingest.processor.js';
import { createMailProcessor, type MailDeps } from './mail.processor.js';
import { createWebhookProcessor, type WebhookDeps } from './webhook.processor.js';
import { createZipProcessor } from './zip.processor.js';

/** Exactly one processor per queue: a job kind in the registry without one here does not compile. */
export type ProcessorMap = { [T in JobType]: Processor<JobDataOf<T>, JobResultOf<T>> } & {
  webhook: Processor<WebhookJobData, WebhookJobResult>;
  mail: Processor<MailJobData, MailJobResult>;
};

export type ProcessorDeps = Omit<BuildZipDeps & IngestDeps, 'logger'> & {
  webhook: WebhookDeps;
  mail: MailDeps;
  share: ShareArchiveDeps;
};

export function createProcessors({ webhook, mail, ...deps }: ProcessorDeps, runtime: ProcessorRuntime): ProcessorMap {
  return {
    zip: createZipProcessor(deps, runtime),
    ingest: createIngestProcessor(deps, runtime),
    webhook: createWebhookProcessor(webhook, runtime),
    mail: createMailProcessor(mail, runtime),
  };
}

/** Refuses to start when a queue has no processor (a map built around the types, e.g. from plain JS). */
export function checkProcessors(processors: Partial<Record<QueueName, unknown>>, queues: readonly QueueName[]): void {
  const missing = queues.filter((q) => typeof processors[q] !== 'function');
  if (missing.length > 0) throw new Error(`no processor for queue(s): ${missing.join(', ')}`);
}
