import { Router } from 'express';
import { VERSION } from '../../shared/version.js';
import { buildOpenApiDocument } from '../openapi.js';

/** GET /openapi.json: the OpenAPI 3.1 description of this API; public, like the health routes. */
export function openapiRouter(): Router {
  const router = Router();
  const document = buildOpenApiDocument(VERSION);
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  return router;
}
