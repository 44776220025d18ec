import { z } from 'zod';
import { defineRoute, type Route } from '../route.js';

/** GET /openapi.json: the OpenAPI 3.1 description of this API; public, like the health routes. */
export function getOpenApiRoute(document: () => object): Route {
  return defineRoute({
    method: 'get',
    path: '/openapi.json',
    handlers: () => [
      (_req, res) => {
        res.json(document());
      },
    ],
    docs: {
      operationId: 'getOpenApi',
      summary: 'This document',
      responses: {
        200: {
          description: 'The OpenAPI 3.1 document.',
          content: { 'application/json': { schema: z.object({}).loose() } },
        },
      },
    },
  });
}
