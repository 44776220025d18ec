import { tmpdir } from 'node:os';
import type { Processor, Worker, WorkerOptions } from 'bullmq';
import { Cancellations } from '../shared/cancellations.js';
import type { Config } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import { closeQueues, createQueues, logQueueErrors, QUEUE_NAMES, type QueueName } from '../shared/queues.js';
import { RateLimitedLog } from '../shared/rate-limited-log.js';
import { describeTopology, redisTopology, type RedisClient } from '../shared/redis-topology.js';
import { ShareStore } from '../shared/share/share-store.js';
import type { MediaIndex } from '../shared/storage/media-index.js';
import type { ObjectStore } from '../shared/storage/object-store.js';
import { TenantRegistry, type Tenant } from '../shared/tenants.js';
import { WorkerMetrics } from '../shared/worker-metrics.js';
import { createHttpClient } from './fetch/http-client.js';
import { createGuardedAgents, destroyAgents } from './fetch/ssrf-agents.js';
import { WorkerTempDir } from './fetch/worker-temp-dir.js';
import { UploadJanitor } from './janitor/upload-janitor.js';
import { createMailTransport } from './mail/mail-transport.js';
import { shareMailQueuer } from './mail/queue-share-mails.js';
import { checkProcessors, createProcessors } from './processors/index.js';
import { BackoffWorker } from './runtime/backoff-worker.js';
import { isRedisRefusal } from './runtime/redis-refusals.js';
import { SHUTDOWN_REASON, ShutdownHandBack } from './runtime/shutdown-hand-back.js';
import { webhookDeliveryQueuer } from './webhook/queue-delivery.js';
import { webhookBackoffStrategy } from './webhook/retry-delay.js';
import { queueDeliveryOnStalledFailure } from './webhook/stalled-failure.js';
import { ZipCheckpoints } from './zip/zip-checkpoints.js';

/** How long aborted jobs get to unwind and be moved back to wait once the shutdown timeout has passed. */
const HAND_BACK_GRACE_MS = 3000;
const TEMP_SWEEP_INTERVAL_MS = 60_000;

function settlesWithin(p: Promise<unknown>, ms: number): Promise<'settled' | 'timeout'> {
  return Promise.race([
    p.then(
      () => 'settled' as const,
      () => 'settled' as const,
    ),
    new Promise<'timeout'>((resolve) => setTimeout(resolve, ms, 'timeout').unref()),
  ]);
}

/**
 * The settings that decide where the worker takes jobs from and puts results, so that a worker started with
 * every default (prefix `ferry`, S3 at AWS, no tenants) says so instead of waiting silently. No secrets.
 */
function logStartup(logger: Logger, config: Config, tenants: number, tempDir: string): void {
  logger.info(
    {
      queues: QUEUE_NAMES,
      queuePrefix: config.QUEUE_PREFIX,
      redis: describeTopology(redisTopology(config)),
      s3: { endpoint: config.S3_ENDPOINT ?? 'AWS', region: config.S3_REGION, bucket: config.S3_BUCKET },
      dynamodbTable: config.DYNAMODB_TABLE,
      tenants,
      concurrency: config.WORKER_CONCURRENCY,
      downloadConcurrency: config.DOWNLOAD_CONCURRENCY,
      tempDir,
    },
    'workers started',
  );
  if (tenants === 0) {
    logger.warn('no tenants configured (FERRY_TENANTS or FERRY_TENANTS_FILE): webhooks cannot be signed or sent');
  }
}

export interface WorkerDeps {
  config: Config;
  connection: RedisClient;
  store: ObjectStore;
  index: MediaIndex;
  /** For webhook deliveries: each is signed with its tenant's current `webhookSecret`. */
  tenants: Tenant[];
  logger: Logger;
}

export interface RunningWorkers {
  workers: Worker[];
  /** Stops taking jobs, lets running ones finish (or hands them back after `timeoutMs`), closes connections. */
  close(timeoutMs?: number): Promise<void>;
}

const SETTINGS: Partial<Record<QueueName, WorkerOptions['settings']>> = {
  webhook: { backoffStrategy: webhookBackoffStrategy },
};

/** One BullMQ Worker per queue, each with its processor; refuses to start when a queue has none. */
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
  const temp = new WorkerTempDir(config.TEMP_DIR ?? tmpdir(), { logger });
  const sweepTemp = () =>
    void temp.sweep().catch((err: unknown) => logger.warn({ err }, 'could not remove the temp files of dead workers'));
  // At start, every minute, and whenever a stalled job (a dead worker's) is taken over.
  sweepTemp();
  const sweepTimer = setInterval(sweepTemp, TEMP_SWEEP_INTERVAL_MS).unref();
  const janitor = new UploadJanitor({
    store,
    keyPrefix: config.S3_KEY_PREFIX,
    maxAgeMs: config.S3_JANITOR_UPLOAD_MAX_AGE_SECONDS * 1000,
    intervalMs: config.S3_JANITOR_INTERVAL_SECONDS * 1000,
    logger,
  });
  if (config.S3_JANITOR_INTERVAL_SECONDS > 0) janitor.start();
  // Queue handles for what the processors read (a delivery's source job) and add (deliveries).
  const queues = createQueues(connection, config);
  // Without a listener, a Queue that hears a connection error prints it raw on stderr (BullMQ's QueueBase.emit).
  const queueErrors = new RateLimitedLog(logger, 'Redis error on a queue handle');
  logQueueErrors(queues, queueErrors);
  const cancellations = new Cancellations(connection, config.QUEUE_PREFIX, config.JOB_RETENTION_SECONDS);
  const metrics = new WorkerMetrics(connection, config.QUEUE_PREFIX);
  const queueDelivery = webhookDeliveryQueuer(queues.webhook);
  const queueMails = shareMailQueuer(queues.mail);
  const mailTransport = createMailTransport(config);
  const registry = new TenantRegistry(tenants);
  const shares = new ShareStore(connection, config.QUEUE_PREFIX);
  const processors = createProcessors(
    {
      store,
      index,
      http,
      keyPrefix: config.S3_KEY_PREFIX,
      publicBaseUrl: config.PUBLIC_BASE_URL,
      multipartThreshold: config.INGEST_MULTIPART_THRESHOLD_BYTES,
      tempDir: temp.path,
      downloadConcurrency: config.DOWNLOAD_CONCURRENCY,
      // Kept as long as the upload it resumes may stay open (the janitor aborts older ones).
      checkpoints: new ZipCheckpoints(
        connection,
        config.QUEUE_PREFIX,
        config.S3_JANITOR_UPLOAD_MAX_AGE_SECONDS || 86_400,
      ),
      fetchRetries: config.FETCH_RETRIES,
      fetchRetryDelayMs: config.FETCH_RETRY_DELAY_MS,
      share: {
        shares,
        publicUrl: config.PUBLIC_URL,
        keepAfterExpirySeconds: config.JOB_RETENTION_SECONDS,
      },
      mail: { transport: mailTransport, from: config.MAIL_FROM, tenants: registry, sources: queues, shares },
      webhook: {
        http,
        tenants: registry,
        store,
        sources: queues,
        timeoutMs: config.WEBHOOK_TIMEOUT_MS,
        metrics,
      },
    },
    {
      logger,
      onFinal: async (job, event) => {
        await queueDelivery(job, event);
        await queueMails(job, event);
      },
      cancellations,
      metrics,
    },
  );
  checkProcessors(processors, QUEUE_NAMES);
  const handBack = new ShutdownHandBack(logger);
  const refusals = new RateLimitedLog(
    logger,
    "Redis refuses ferry's writes (a replica, a cluster slot, loading?): backing off",
  );
  const workers = QUEUE_NAMES.map((queue) => {
    const worker = new BackoffWorker(queue, handBack.wrap(processors[queue] as Processor), {
      connection,
      prefix: config.QUEUE_PREFIX,
      concurrency: config.WORKER_CONCURRENCY,
      lockDuration: config.WORKER_LOCK_DURATION_MS,
      stalledInterval: config.WORKER_STALLED_INTERVAL_MS,
      maxStalledCount: config.WORKER_MAX_STALLED_COUNT,
      settings: SETTINGS[queue],
    });
    worker.on('error', (err) =>
      isRedisRefusal(err) ? refusals.error(err, { queue }) : logger.error({ err, queue }, 'worker error'),
    );
    worker.on('stalled', sweepTemp);
    // A job BullMQ fails for stalling too often never reaches its processor: its webhook is queued from here.
    queueDeliveryOnStalledFailure(worker, queueDelivery, logger);
    return worker;
  });
  // A cancellation published by any API process reaches the worker running the job (no-op elsewhere).
  const unsubscribe = cancellations.subscribe(
    (jobId) => workers.forEach((w) => w.cancelJob(jobId, 'cancelled')),
    (err) => queueErrors.error(err, { connection: 'cancellations' }),
  );
  unsubscribe.catch((err: unknown) => logger.error({ err }, 'could not subscribe to cancellations'));
  logStartup(logger, config, tenants.length, temp.path);

  return {
    workers,
    async close(timeoutMs = 30_000) {
      const graceful = Promise.all(workers.map((w) => w.close()));
      if ((await settlesWithin(graceful, timeoutMs)) === 'timeout') {
        // close(true) after close() would only return the graceful close in progress (BullMQ 6.7): abort the
        // jobs ourselves; each is moved back to wait as it unwinds, so another worker runs it again.
        logger.warn('running jobs did not finish in time; aborting them and handing them back to the queue');
        handBack.start();
        for (const w of workers) w.cancelAllJobs(SHUTDOWN_REASON);
        if ((await settlesWithin(graceful, HAND_BACK_GRACE_MS)) === 'timeout') {
          // A job that ignores its signal keeps its lock until it expires; stalled-job recovery then hands it on.
          logger.error('some jobs did not stop after the abort; leaving them to stalled-job recovery');
        }
      }
      await (
        await unsubscribe.catch(() => () => Promise.resolve())
      )();
      await closeQueues(queues);
      destroyAgents(agents);
      mailTransport?.close();
      clearInterval(sweepTimer);
      await janitor.stop();
      await temp.close();
    },
  };
}
