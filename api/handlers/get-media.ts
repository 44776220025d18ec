import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../shared/errors/app-error.js';
import { httpUrlSchema } from '../../shared/jobs/common.js';
import { publicObjectUrl } from '../../shared/storage/public-url.js';
import { mediaKey } from '../../shared/url-normalize.js';
import { tenantOf } from '../middleware/auth.js';
import { error, ERRORS, json } from '../openapi/common.js';
import { defineRoute } from '../route.js';
import { mediaRecordSchema } from '../schemas.js';

/** GET /v1/media?url=...: the caller's stored copy of one URL, or 404. */
export const getMediaRoute = defineRoute({
  method: 'get',
  path: '/v1/media',
  handlers: ({ index, store, config }) => [
    async (req, res) => {
      const tenant = tenantOf(req);
      const url = httpUrlSchema.safeParse(req.query.url);
      if (!url.success) {
        throw new ValidationError('Invalid request: url', [
          { field: 'url', message: url.error.issues[0]?.message ?? 'must be an http(s) URL' },
        ]);
      }
      const record = await index.get(mediaKey(tenant.id, url.data));
      if (!record) throw new NotFoundError('This URL has not been ingested');
      const { pk: _pk, ...visible } = record;
      res.json({ ...visible, publicUrl: publicObjectUrl(store, record.key, config.PUBLIC_BASE_URL) });
    },
  ],
  docs: {
    operationId: 'getMedia',
    summary: 'The caller’s stored copy of one URL',
    requestParams: { query: z.object({ url: httpUrlSchema.meta({ description: 'The URL as ingested.' }) }) },
    responses: {
      200: json('The index record.', mediaRecordSchema),
      400: ERRORS[400],
      404: error('This URL has not been ingested by this tenant.'),
    },
  },
});
