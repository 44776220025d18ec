import express, { Router, type Express } from 'express';
import { pinoHttp } from 'pino-http';
import { allQueues } from '../shared/queues.js';
import { BOARD_PATH, createBoard } from './board.js';
import type { ApiDeps } from './deps.js';
import { requireTenant } from './middleware/auth.js';
import { errorHandler, notFoundHandler } from './middleware/error-handler.js';
import { apiRoutes } from './routes.js';

/** The express app without `listen()`, so tests and the dev entry mount it as they like. */
export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(pinoHttp({ logger: deps.logger, autoLogging: { ignore: (req) => req.url === '/healthz' } }));
  const board = createBoard(deps, allQueues(deps.queues));
  if (board) app.use(BOARD_PATH, board);
  app.use('/v1', requireTenant(deps.tenants));
  // Clients often POST JSON without a Content-Type (`curl -d`): every body is parsed as JSON.
  app.use('/v1', express.json({ type: () => true, limit: deps.config.API_BODY_LIMIT }));
  const router = Router();
  for (const route of apiRoutes()) router[route.method](route.path, ...route.handlers(deps));
  app.use(router);
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
