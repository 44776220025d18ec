import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import { NotFoundError } from '../shared/errors/app-error.js';
import { mediaErrorHandler } from './error-handler.js';
import type { MediaDeps } from './media-deps.js';
import { mediaRouter } from './media-router.js';

/** The media process's app: its own `/healthz` and the variant route. */
export function createMediaApp(deps: MediaDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(pinoHttp({ logger: deps.logger, autoLogging: { ignore: (req) => req.url === '/healthz' } }));
  app.get('/healthz', (_req, res) => {
    const { running, waiting } = deps.gate.load;
    res.json({ status: 'ok', renders: { running, waiting, rendered: deps.rendered.count } });
  });
  app.use(mediaRouter(deps));
  app.use((req, _res, next) => next(new NotFoundError(`No route for ${req.method} ${req.path}`)));
  app.use(mediaErrorHandler(deps.logger));
  return app;
}
