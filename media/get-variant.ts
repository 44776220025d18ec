import type { RequestHandler } from 'express';
import { AppError, NotFoundError, ValidationError } from '../shared/errors/app-error.js';
import { canonicalOptions, parseSpec } from '../shared/media/variant-options.js';
import { parseSource } from '../shared/media/variant-path.js';
import { UNSIGNED, verifyVariant } from '../shared/media/variant-signature.js';
import type { MediaDeps } from './media-deps.js';
import { serveOriginal } from './serve/serve-original.js';
import { serveVariant } from './serve/serve-variant.js';

/** The path the handler serves under PUBLIC_URL: `/m/<tenant>/<signature>/<options>/<source>`. */
export const VARIANT_PATH = '/m/:tenant/:signature/:spec/:source';

/**
 * GET/HEAD of a variant URL. The signature is checked before anything else is looked at (an unsigned URL may
 * only name a preset), then the options, then the media.
 */
export function getVariant(deps: MediaDeps): RequestHandler {
  return async (req, res) => {
    const params = req.params as { tenant: string; signature: string; spec: string; source: string };
    const { tenant: tenantId, signature, spec: specSegment, source: sourceSegment } = params;
    const tenant = deps.tenants.get(tenantId);
    if (!tenant) throw new NotFoundError('No such media');
    const media = tenant.media;
    const signed =
      signature === UNSIGNED
        ? specSegment.startsWith('p_')
        : verifyVariant(media?.secrets ?? [], tenantId, specSegment, sourceSegment, signature);
    if (!signed) throw new AppError('bad_signature', 'The URL’s signature does not match its path');
    const spec = parseSpec(specSegment);
    const source = parseSource(sourceSegment);
    if (!source) throw new NotFoundError('No such media');
    if (spec.kind === 'original') {
      await serveOriginal(deps, req, res, tenant.id, source);
      return;
    }
    const options = spec.kind === 'preset' ? media?.presets[spec.name] : spec.options;
    if (!options) {
      throw new ValidationError(`No preset named ${spec.kind === 'preset' ? spec.name : ''}`, [
        { field: 'preset', message: 'is not one of the tenant’s mediaPresets' },
      ]);
    }
    await serveVariant(deps, req, res, tenant, source, canonicalOptions(options));
  };
}
