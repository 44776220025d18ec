import type { RequestHandler } from 'express';
import type { ZodOpenApiOperationObject } from 'zod-openapi';
import type { ApiDeps } from './deps.js';

export type HttpMethod = 'get' | 'post' | 'delete';

/**
 * One HTTP route: where it is, what handles it and how the OpenAPI document describes it. Routes under `/v1`
 * take the API key (mounted once for the prefix, so an unknown /v1 path without a key is still 401).
 */
export interface Route {
  method: HttpMethod;
  /** Express syntax: `/v1/jobs/:id`. */
  path: string;
  /** Builds the handler chain once, from the deps. */
  handlers(deps: ApiDeps): RequestHandler[];
  /** The operation in the OpenAPI document. */
  docs: ZodOpenApiOperationObject;
}

/** Identity, for inference and one place to find every route's shape. */
export const defineRoute = (route: Route): Route => route;

/** `/v1/jobs/:id` -> `/v1/jobs/{id}`. */
export const openApiPath = (path: string): string => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** Whether the route takes the API key. */
export const isTenantRoute = (route: Pick<Route, 'path'>): boolean => route.path.startsWith('/v1/');
