import { z } from 'zod';
import type { ZodOpenApiResponseObject } from 'zod-openapi';

/** The `:token` of the share pages. */
export const shareTokenParams = z.object({
  token: z.string().meta({ description: 'The share token: the last part of `result.shareUrl`.' }),
});

/** A response that is an HTML page for people, not an API body. */
export const htmlPage = (description: string): ZodOpenApiResponseObject => ({
  description,
  content: { 'text/html': { schema: z.string() } },
});
