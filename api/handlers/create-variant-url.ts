import { AppError, ValidationError } from '../../shared/errors/app-error.js';
import { canonicalOptions, formatSpec } from '../../shared/media/variant-options.js';
import { formatSource, variantPath } from '../../shared/media/variant-path.js';
import { variantRequestSchema, variantResponseSchema } from '../../shared/media/variant-request.js';
import { findSource } from '../jobs/find-media-source.js';
import { tenantOf } from '../middleware/auth.js';
import { parseBody } from '../middleware/validate.js';
import { error, ERRORS, json } from '../openapi/common.js';
import { defineRoute } from '../route.js';

/** POST /v1/media/variants: the signed URL of a variant (or of the original) of one of the caller's media. */
export const createVariantUrlRoute = defineRoute({
  method: 'post',
  path: '/v1/media/variants',
  handlers: ({ index, store, config }) => [
    async (req, res) => {
      const tenant = tenantOf(req);
      const { url, key, preset, ...options } = parseBody(variantRequestSchema, req.body);
      const media = tenant.media ?? { secrets: [], presets: {} };
      if (preset !== undefined && !Object.hasOwn(media.presets, preset)) {
        throw new ValidationError('Invalid request: preset', [
          { field: 'preset', message: 'is not one of the tenant’s mediaPresets' },
        ]);
      }
      if (options.watermark && !media.watermark) {
        throw new AppError('media_not_configured', 'The tenant has no watermark configured');
      }
      if (preset === undefined && media.secrets.length === 0) {
        throw new AppError('media_not_configured', 'The tenant has no mediaSecret to sign variant URLs with');
      }
      const base = config.MEDIA_PUBLIC_URL ?? config.PUBLIC_URL;
      if (base === undefined) {
        throw new AppError(
          'media_not_configured',
          'PUBLIC_URL (or MEDIA_PUBLIC_URL) is not set: variant URLs start with it',
          {
            status: 500,
          },
        );
      }
      const source = await findSource({ index, store, prefix: config.S3_KEY_PREFIX }, tenant.id, { url, key });
      const spec =
        preset === undefined
          ? formatSpec({ kind: 'options', options: canonicalOptions(options) })
          : formatSpec({ kind: 'preset', name: preset });
      const path = variantPath(tenant.id, spec, formatSource(source), media.secrets[0]);
      res.json({ variantUrl: base + path });
    },
  ],
  docs: {
    operationId: 'createVariantUrl',
    summary: 'The URL of a resized, converted or watermarked variant of an ingested image',
    description:
      'Answers with a URL for `<img src>`: `<PUBLIC_URL>/m/<tenant>/<signature>/<options>/<sha256>.<ext>`. ' +
      'No option at all is the original (served with Range). The README gives the signing rule, so a server ' +
      'can build these URLs itself.',
    requestBody: { required: true, content: { 'application/json': { schema: variantRequestSchema } } },
    responses: {
      200: json('The variant’s URL.', variantResponseSchema),
      400: error(
        'Invalid options (`invalid_request`, `details` names the fields), or a tenant without a mediaSecret or ' +
          'a watermark asked for (`media_not_configured`).',
      ),
      401: ERRORS[401],
      404: error('The url or key is not this tenant’s ingested media.'),
    },
  },
});
