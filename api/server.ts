import 'dotenv/config';
import { loadConfig } from '../shared/config.js';
import { ConfigError } from '../shared/errors/app-error.js';
import { createLogger } from '../shared/logger.js';
import { closeQueues, createQueues, logQueueErrors } from '../shared/queues.js';
import { RateLimitedLog } from '../shared/rate-limited-log.js';
import { createClients } from '../shared/runtime.js';
import { onShutdownSignal } from '../shared/shutdown.js';
import { logStartupChecks } from '../shared/startup-checks.js';
import { loadTenants } from '../shared/tenants.js';
import { createApp } from './app.js';
import { createApiDeps } from './deps.js';
import { httpTimeouts, listen } from './http-server.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, { service: 'ferry-api' });
  const tenants = loadTenants(config);
  if (!tenants)
    throw new ConfigError('FERRY_TENANTS or FERRY_TENANTS_FILE is required (npm run dev creates a dev tenant)');
  const clients = createClients(config, 'ferry-api', {
    redisRole: 'api',
    onRedisError: (err) => logger.warn({ err }, 'redis connection error'),
  });
  const queues = createQueues(clients.redis, config);
  logQueueErrors(queues, new RateLimitedLog(logger, 'Redis error on a queue handle'));
  const deps = createApiDeps({ config, clients, queues, tenants, logger });
  const http = await listen(createApp(deps), config.PORT, config.HOST, httpTimeouts(config));
  logger.info({ port: config.PORT }, 'api listening');
  logStartupChecks(clients, config, logger);
  onShutdownSignal(logger, async () => {
    // Closing the job events first ends the open SSE streams, so the server's close does not wait on them.
    await deps.jobEvents.close();
    await http.close();
    await closeQueues(queues);
    await clients.close();
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
