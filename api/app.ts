import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import type { ApiDeps } from './deps.js';
import { requireTenant } from './middleware/auth.js';
import { errorHandler, notFoundHandler } from './middleware/error-handler.js';
import { healthRouter } from './routes/health.js';
import { ingestsRouter } from './routes/ingests.js';
import { jobsRouter } from './routes/jobs.js';
import { mediaRouter } from './routes/media.js';
import { openapiRouter } from './routes/openapi.js';
import { zipsRouter } from './routes/zips.js';

/** The express app without `listen()`, so tests and the dev entry mount it as they like. */
export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(pinoHttp({ logger: deps.logger, autoLogging: { ignore: (req) => req.url === '/healthz' } }));
  app.use(healthRouter(deps));
  app.use(openapiRouter());
  app.use('/v1', requireTenant(deps.tenants));
  // Clients often POST JSON without a Content-Type (`curl -d`): every body is parsed as JSON.
  app.use('/v1', express.json({ type: () => true, limit: deps.config.API_BODY_LIMIT }));
  app.use(zipsRouter(deps));
  app.use(ingestsRouter(deps));
  app.use(mediaRouter(deps));
  app.use(jobsRouter(deps));
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
