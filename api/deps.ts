import { Cancellations } from '../shared/cancellations.js';
import type { Config } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import type { FerryQueues } from '../shared/queues.js';
import { connectRedis, type RedisClient } from '../shared/redis-topology.js';
import type { Clients } from '../shared/runtime.js';
import { ShareStore } from '../shared/share/share-store.js';
import type { MediaIndex } from '../shared/storage/media-index.js';
import type { ObjectStore } from '../shared/storage/object-store.js';
import { TenantRegistry, type Tenant } from '../shared/tenants.js';
import { WorkerMetrics } from '../shared/worker-metrics.js';
import { IdempotencyStore } from './jobs/idempotency-store.js';
import { JobEventHub } from './jobs/job-event-hub.js';
import { JobRateLimiter } from './jobs/job-rate-limiter.js';
import { createApiMetrics, type ApiMetrics } from './metrics.js';

/** Everything the HTTP layer needs, built once by a composition root (api/server.ts, local/in-process.ts). */
export interface ApiDeps {
  config: Config;
  tenants: TenantRegistry;
  /** Every queue: the job kinds' (jobs are added and read there) and the webhook deliveries' (read for status). */
  queues: FerryQueues;
  store: ObjectStore;
  index: MediaIndex;
  logger: Logger;
  /** Shared by every API process: rate limits, idempotency keys and cancellations live here. */
  redis: RedisClient;
  /** Named readiness probes for GET /readyz; each throws when its dependency is unreachable. */
  readiness: Record<string, () => Promise<unknown>>;
  idempotency: IdempotencyStore;
  cancellations: Cancellations;
  limiter: JobRateLimiter;
  /** This process's metrics, and the fleet's counters the workers keep in Redis. */
  metrics: ApiMetrics;
  fleet: WorkerMetrics;
  /** This process's one reader of BullMQ queue events (SSE streams); its owner closes it on shutdown. */
  jobEvents: JobEventHub;
  /** The share index (tokens -> jobs, download counts). */
  shares: ShareStore;
  /** Password attempts on share pages, counted per share and per client address. */
  shareAttempts: JobRateLimiter;
}

/** The window share password attempts are counted over. */
export const SHARE_ATTEMPT_WINDOW_MS = 15 * 60_000;

export interface ApiDepsInput {
  config: Config;
  clients: Clients;
  queues: FerryQueues;
  tenants: Tenant[];
  logger: Logger;
}

/** ApiDeps from the clients and queues a composition root built. */
export function createApiDeps({ config, clients, queues, tenants, logger }: ApiDepsInput): ApiDeps {
  const prefix = config.QUEUE_PREFIX;
  return {
    config,
    tenants: new TenantRegistry(tenants),
    queues,
    store: clients.store,
    index: clients.index,
    logger,
    redis: clients.redis,
    readiness: clients.readiness,
    idempotency: new IdempotencyStore(clients.redis, prefix),
    cancellations: new Cancellations(clients.redis, prefix, config.JOB_RETENTION_SECONDS),
    limiter: new JobRateLimiter(clients.redis, prefix),
    metrics: createApiMetrics(queues),
    fleet: new WorkerMetrics(clients.redis, prefix),
    // Built like every other connection (cluster, Sentinel, TLS, credentials); `worker` role: it blocks on XREAD.
    jobEvents: new JobEventHub(prefix, () => connectRedis(clients.redisTopology, 'ferry-api-events'), logger),
    shares: new ShareStore(clients.redis, prefix),
    // The jobs' sliding-log limiter, in a namespace of its own and over 15 minutes.
    shareAttempts: new JobRateLimiter(clients.redis, `${prefix}:share-password`, SHARE_ATTEMPT_WINDOW_MS),
  };
}
