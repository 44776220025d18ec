import type { Config } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import type { MediaIndex } from '../shared/storage/media-index.js';
import type { ObjectStore } from '../shared/storage/object-store.js';
import { TenantRegistry, type Tenant } from '../shared/tenants.js';
import { RenderGate } from './render/render-gate.js';
import { WatermarkSource } from './render/watermark-source.js';

/** What the variant route needs, built once by a composition root (media/server.ts, local/in-process.ts). */
export interface MediaDeps {
  config: Config;
  tenants: TenantRegistry;
  store: ObjectStore;
  index: MediaIndex;
  logger: Logger;
  gate: RenderGate;
  watermarks: WatermarkSource;
  /** Variants this process has rendered (and stored) since it started. */
  rendered: { count: number };
}

export interface MediaDepsInput {
  config: Config;
  tenants: Tenant[];
  store: ObjectStore;
  index: MediaIndex;
  logger: Logger;
}

export function createMediaDeps({ config, tenants, store, index, logger }: MediaDepsInput): MediaDeps {
  return {
    config,
    tenants: new TenantRegistry(tenants),
    store,
    index,
    logger,
    gate: new RenderGate(config.MEDIA_RENDER_CONCURRENCY, config.MEDIA_RENDER_QUEUE),
    watermarks: new WatermarkSource(store, index),
    rendered: { count: 0 },
  };
}
