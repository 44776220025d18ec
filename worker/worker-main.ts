import 'dotenv/config';
import { loadConfig } from '../shared/config.js';
import { ConfigError } from '../shared/errors/app-error.js';
import { createLogger } from '../shared/logger.js';
import { RateLimitedLog } from '../shared/rate-limited-log.js';
import { createClients } from '../shared/runtime.js';
import { onShutdownSignal } from '../shared/shutdown.js';
import { logStartupChecks } from '../shared/startup-checks.js';
import { lifecycleRules } from '../shared/storage/lifecycle.js';
import { loadTenants } from '../shared/tenants.js';
import { startWorkers } from './workers.js';

/** Past WORKER_SHUTDOWN_TIMEOUT_MS, how long the hand-back and closing connections may take in all. */
const HARD_EXIT_AFTER_TIMEOUT_MS = 4500;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, { service: 'ferry-worker' });
  // Webhooks are signed with the tenant's secret, so the worker reads the same tenants as the API. Without
  // them it still runs zips and ingests; the API refuses webhooks for a tenant it cannot sign for anyway.
  const tenants = loadTenants(config) ?? [];
  const clients = createClients(config, 'ferry-worker');
  // BullMQ listens on this connection only while a Worker or Queue holds it (not once they closed during a
  // shutdown): without a listener of its own, ioredis prints "[ioredis] Unhandled error event" on stderr.
  const redisErrors = new RateLimitedLog(logger, 'Redis connection error');
  clients.redis.on('error', (err: Error) => redisErrors.error(err));
  logStartupChecks(clients, config, logger);
  if (config.S3_MANAGE_LIFECYCLE) {
    const applied = await clients.store.applyLifecycle(lifecycleRules(config));
    logger.info(
      { applied },
      applied ? 'bucket lifecycle rule applied' : 'this S3 store does not support lifecycle rules',
    );
  }
  const running = startWorkers({
    config,
    connection: clients.redis,
    store: clients.store,
    index: clients.index,
    tenants,
    logger,
  });
  onShutdownSignal(logger, async () => {
    // The timeout is a promise to the orchestrator: whatever hangs after it (a Redis that never answers QUIT,
    // a job deaf to its abort), the process is gone within timeout + 5 s.
    setTimeout(() => {
      logger.error('shutdown is taking too long: exiting now');
      process.exit(1);
    }, config.WORKER_SHUTDOWN_TIMEOUT_MS + HARD_EXIT_AFTER_TIMEOUT_MS).unref();
    await running.close(config.WORKER_SHUTDOWN_TIMEOUT_MS);
    await clients.close();
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
