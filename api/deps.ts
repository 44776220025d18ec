import type { Redis } from 'ioredis';
import type { Config } from '../shared/config.js';
import type { Clients } from '../shared/runtime.js';
import type { Logger } from '../shared/logger.js';
import type { Queue } from 'bullmq';
import type { JobQueues } from '../shared/queues.js';
import type { MediaIndex } from '../shared/storage/media-index.js';
import type { ObjectStore } from '../shared/storage/object-store.js';
import { TenantRegistry, type Tenant } from '../shared/tenants.js';

/** Everything the HTTP layer needs, built by a composition root (api/server.ts, local/dev.ts, the tests). */
export interface ApiDeps {
  config: Config;
  tenants: TenantRegistry;
  queues: JobQueues;
  /** The `webhook` queue, read for the job document's `webhook` field. */
  webhooks: Queue;
  store: ObjectStore;
  index: MediaIndex;
  logger: Logger;
  /** Shared by every API process: the job-creation rate limit lives here. */
  redis: Redis;
  /** Named readiness probes for GET /readyz; each throws when its dependency is unreachable. */
  readiness: Record<string, () => Promise<unknown>>;
}

/** ApiDeps from the clients a composition root built. */
export function apiDeps(
  config: Config,
  clients: Clients,
  queues: JobQueues,
  webhooks: Queue,
  tenants: Tenant[],
  logger: Logger,
): ApiDeps {
  return {
    config,
    tenants: new TenantRegistry(tenants),
    queues,
    webhooks,
    store: clients.store,
    index: clients.index,
    logger,
    redis: clients.redis,
    readiness: clients.readiness,
  };
}
