import { Router } from 'express';
import { mediaErrorHandler } from './error-handler.js';
import { getVariant, VARIANT_PATH } from './get-variant.js';
import type { MediaDeps } from './media-deps.js';

/**
 * The public variant route (no API key: it goes into `<img src>`), with its own error handler so that it can be
 * mounted in front of the API (dev mode, tests) as well as served by the media process.
 */
export function mediaRouter(deps: MediaDeps): Router {
  const router = Router();
  // Express answers HEAD with the GET handler (headers only).
  router.get(VARIANT_PATH, getVariant(deps));
  router.use('/m', mediaErrorHandler(deps.logger));
  return router;
}
