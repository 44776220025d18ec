import { Router } from 'express';
import { NotFoundError, ValidationError } from '../../shared/errors.js';
import { httpUrlSchema } from '../../shared/jobs.js';
import { publicObjectUrl } from '../../shared/storage/public-url.js';
import { mediaKey } from '../../shared/url-normalize.js';
import type { ApiDeps } from '../deps.js';
import { tenantOf } from '../middleware/auth.js';

/** GET /v1/media?url=...: the caller's stored copy of one URL, or 404. */
export function mediaRouter({ index, store, config }: ApiDeps): Router {
  const router = Router();
  router.get('/v1/media', async (req, res) => {
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
  });
  return router;
}
