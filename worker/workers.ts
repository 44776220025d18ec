import { tmpdir } from 'node:os';
import { Worker, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import type { MediaIndex } from '../shared/storage/media-index.js';
import { closeQueues, createJobQueues, createWebhookQueue } from '../shared/queues.js';
import type { ObjectStore } from '../shared/storage/object-store.js';
import type { Clients } from '../shared/runtime.js';
import { TenantRegistry, type Tenant } from '../shared/tenants.js';
import { createHttpClient } from './fetch/http-client.js';
import { createGuardedAgents, destroyAgents } from './fetch/ssrf-agents.js';
import { Cancellations } from '../shared/cancellations.js';
import { WorkerMetrics } from '../shared/worker-metrics.js';
import { createProcessors } from './processors/index.js';
import { webhookBackoffStrategy } from './webhook/retry-delay.js';
import { webhookDeliveryQueuer } from './webhook/queue-delivery.js';

export interface WorkerDeps {
  config: Config;
  connection: Redis;
  store: ObjectStore;
  index: MediaIndex;
  /** For webhook deliveries: each is signed with its tenant's current `webhookSecret`. */
  tenants: TenantRegistry;
  logger: Logger;
}

/** startWorkers() from the clients a composition root built (worker/main.ts, local/dev.ts). */
export function startWorkersWith(config: Config, clients: Clients, tenants: Tenant[], logger: Logger): RunningWorkers {
  return startWorkers({
    config,
    connection: clients.redis,
    store: clients.store,
    index: clients.index,
    tenants: new TenantRegistry(tenants),
    logger,
  });
}

export interface RunningWorkers {
  workers: Worker[];
  /** Stops taking jobs, lets running ones finish (or hands them back after `timeoutMs`), closes connections. */
  close(timeoutMs?: number): Promise<void>;
}

/** One BullMQ Worker per queue that has a processor. */
export function startWorkers({ config, connection, store, index, tenants, logger }: WorkerDeps): RunningWorkers {
  const agents = createGuardedAgents({
    allowPrivateNetworks: config.ALLOW_PRIVATE_NETWORKS,
    allowIps: config.SSRF_ALLOW_IPS,
  });
  const http = createHttpClient({
    agents,
    connectTimeoutMs: config.FETCH_CONNECT_TIMEOUT_MS,
    idleTimeoutMs: config.FETCH_IDLE_TIMEOUT_MS,
    totalTimeoutMs: config.FETCH_TOTAL_TIMEOUT_MS,
    maxRedirects: config.FETCH_MAX_REDIRECTS,
  });
  // Queue handles for what the processors read (a delivery's source job) and add (deliveries).
  const sources = createJobQueues(connection, config);
  const webhooks = createWebhookQueue(connection, config);
  const cancellations = new Cancellations(connection, config.QUEUE_PREFIX, config.JOB_RETENTION_SECONDS);
  const processors = createProcessors(
    {
      store,
      index,
      http,
      keyPrefix: config.S3_KEY_PREFIX,
      publicBaseUrl: config.PUBLIC_BASE_URL,
      multipartThreshold: config.INGEST_MULTIPART_THRESHOLD_BYTES,
      tempDir: config.TEMP_DIR ?? tmpdir(),
      downloadConcurrency: config.DOWNLOAD_CONCURRENCY,
      fetchRetries: config.FETCH_RETRIES,
      fetchRetryDelayMs: config.FETCH_RETRY_DELAY_MS,
      webhook: { http, tenants, store, sources, timeoutMs: config.WEBHOOK_TIMEOUT_MS },
      onFinal: webhookDeliveryQueuer(webhooks),
      cancellations,
      metrics: new WorkerMetrics(connection, config.QUEUE_PREFIX),
    },
    logger,
  );
  const perQueue: Partial<Record<string, WorkerOptions['settings']>> = {
    webhook: { backoffStrategy: webhookBackoffStrategy },
  };
  const workers = Object.entries(processors).map(([queue, processor]) => {
    const worker = new Worker(queue, processor, {
      connection,
      prefix: config.QUEUE_PREFIX,
      concurrency: config.WORKER_CONCURRENCY,
      lockDuration: config.WORKER_LOCK_DURATION_MS,
      stalledInterval: config.WORKER_STALLED_INTERVAL_MS,
      settings: perQueue[queue],
    });
    worker.on('error', (err) => logger.error({ err, queue }, 'worker error'));
    return worker;
  });
  // A cancellation published by any API process reaches the worker running the job (no-op elsewhere).
  const unsubscribe = cancellations.subscribe((jobId) => workers.forEach((w) => w.cancelJob(jobId, 'cancelled')));
  unsubscribe.catch((err: unknown) => logger.error({ err }, 'could not subscribe to cancellations'));
  logger.info({ queues: Object.keys(processors), concurrency: config.WORKER_CONCURRENCY }, 'workers started');

  return {
    workers,
    async close(timeoutMs = 30_000) {
      const graceful = Promise.all(workers.map((w) => w.close()));
      const timer = new Promise<'timeout'>((resolve) => setTimeout(resolve, timeoutMs, 'timeout').unref());
      if ((await Promise.race([graceful, timer])) === 'timeout') {
        logger.warn('running jobs did not finish in time; handing them back to the queue');
        await Promise.all(workers.map((w) => w.close(true)));
      }
      await (await unsubscribe.catch(() => async () => undefined))();
      await closeQueues({ ...sources, webhook: webhooks });
      destroyAgents(agents);
    },
  };
}
