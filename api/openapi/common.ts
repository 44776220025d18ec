import { z } from 'zod';
import type { ZodOpenApiResponseObject } from 'zod-openapi';
import { apiErrorSchema } from '../schemas.js';

/** A JSON response with `schema` as its body. */
export function json(description: string, schema: z.ZodType): ZodOpenApiResponseObject {
  return { description, content: { 'application/json': { schema } } };
}

/** An error response: every error has the one body shape. */
export const error = (description: string): ZodOpenApiResponseObject => json(description, apiErrorSchema);

/** The errors several routes share. */
export const ERRORS = {
  400: error('Invalid request: `details` names every offending field.'),
  401: error('No valid API key: `Authorization: Bearer <key>`.'),
  404: error('Not found, or not this tenant’s.'),
  badPath: error('The path has a malformed % escape (code `invalid_request`).'),
  413: error('The body is larger than the configured limit.'),
  415: error('The body’s Content-Encoding or charset is not supported.'),
  500: error('Internal server error.'),
  503: {
    ...error('Redis does not answer (code `unavailable`); nothing was created. `details.retryAfter` in seconds.'),
    headers: z.object({ 'Retry-After': z.string().meta({ description: 'Seconds to wait before retrying.' }) }),
  },
} as const;

/** The `:id` of the job routes. */
export const jobIdParams = z.object({ id: z.string().meta({ description: 'The job id.' }) });
