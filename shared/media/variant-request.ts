import { z } from 'zod';
import { httpUrlSchema } from '../jobs/common.js';
import { PRESET_NAME, variantOptionsSchema } from './variant-options.js';

/** POST /v1/media/variants: which media (an ingested `url` or its `key`) and the variant's options or preset. */
export const variantRequestSchema = variantOptionsSchema
  .extend({
    url: httpUrlSchema.optional().meta({ description: 'A URL this tenant has ingested.' }),
    key: z.string().min(1).optional().meta({ description: 'The stored object’s key (an ingest item’s `key`).' }),
    preset: z.string().regex(PRESET_NAME).optional().meta({
      description: 'One of the tenant’s mediaPresets (alone: no other option); its URL is served unsigned.',
    }),
  })
  .superRefine((body, ctx) => {
    if ((body.url === undefined) === (body.key === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'give exactly one of url and key' });
    }
    const { url: _u, key: _k, preset, ...options } = body;
    if (preset !== undefined && Object.keys(options).length > 0) {
      ctx.addIssue({ code: 'custom', path: ['preset'], message: 'a preset takes no other option' });
    }
  })
  .meta({ id: 'VariantRequest' });

export type VariantRequest = z.infer<typeof variantRequestSchema>;

export const variantResponseSchema = z
  .object({
    variantUrl: z.string().meta({
      description: 'Works in `<img src>` with no API key; signed (unsigned for a preset). Never expires.',
    }),
  })
  .meta({ id: 'VariantUrl' });
