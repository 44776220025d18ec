import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import { createApiMetrics } from '../shared/metrics.js';
import { WorkerMetrics } from '../shared/worker-metrics.js';
import { BOARD_PATH, createBoard } from './board.js';
import type { ApiDeps } from './deps.js';
import { requireTenant } from './middleware/auth.js';
import { errorHandler, notFoundHandler } from './middleware/error-handler.js';
import { JobRateLimiter, rateLimitJobs } from './middleware/rate-limit.js';
import { healthRouter } from './routes/health.js';
import { ingestsRouter } from './routes/ingests.js';
import { jobEventsRouter } from './routes/job-events.js';
import { jobsRouter } from './routes/jobs.js';
import { limitsRouter } from './routes/limits.js';
import { mediaRouter } from './routes/media.js';
import { countCreatedJobs, metricsRouter } from './routes/metrics.js';
import { openapiRouter } from './routes/openapi.js';
import { zipsRouter } from './routes/zips.js';

/** The express app without `listen()`, so tests and the dev entry mount it as they like. */
export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(pinoHttp({ logger: deps.logger, autoLogging: { ignore: (req) => req.url === '/healthz' } }));
  app.use(healthRouter(deps));
  app.use(openapiRouter());
  // Every ferry queue, for the operator views; the webhook queue comes from the deps (the API reads it too).
  const queues = { ...deps.queues, webhook: deps.webhooks };
  const metrics = createApiMetrics(queues);
  app.use(metricsRouter(metrics, new WorkerMetrics(deps.redis, deps.config.QUEUE_PREFIX)));
  const board = createBoard(deps, Object.values(queues));
  if (board) app.use(BOARD_PATH, board);
  app.use('/v1', requireTenant(deps.tenants));
  // Clients often POST JSON without a Content-Type (`curl -d`): every body is parsed as JSON.
  app.use('/v1', express.json({ type: () => true, limit: deps.config.API_BODY_LIMIT }));
  const limiter = new JobRateLimiter(deps.redis, deps.config.QUEUE_PREFIX);
  const limitJobs = rateLimitJobs(limiter, (err) => deps.logger.warn({ err }, 'rate limit: giving a slot back failed'));
  app.use('/v1/zips', limitJobs, countCreatedJobs(metrics, 'zip'));
  app.use('/v1/ingests', limitJobs, countCreatedJobs(metrics, 'ingest'));
  app.use(limitsRouter(limiter));
  app.use(zipsRouter(deps));
  app.use(ingestsRouter(deps));
  app.use(mediaRouter(deps));
  app.use(jobsRouter(deps));
  app.use(jobEventsRouter(deps));
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
