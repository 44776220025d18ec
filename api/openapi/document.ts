import { createDocument, type ZodOpenApiPathsObject } from 'zod-openapi';
import { isTenantRoute, openApiPath, type Route } from '../route.js';
import { ERRORS } from './common.js';

/**
 * The OpenAPI 3.1 document of `routes`, converted from the zod schemas the API validates with. Every /v1 route
 * takes the API key and can answer 401 and 500.
 */
export function buildOpenApiDocument(routes: readonly Route[], version: string): ReturnType<typeof createDocument> {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const tenant = isTenantRoute(route);
    const path = (paths[openApiPath(route.path)] ??= {});
    path[route.method] = {
      ...route.docs,
      ...(tenant ? { security: [{ apiKey: [] }] } : {}),
      responses: { ...route.docs.responses, ...(tenant ? { 401: ERRORS[401], 500: ERRORS[500] } : {}) },
    };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'ferry',
      version,
      description: 'Moves files from URLs into S3: zip archives behind expiring links, or deduplicated media ingests.',
    },
    paths,
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key; it decides the tenant.' } },
    },
  });
}
