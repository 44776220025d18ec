import 'dotenv/config';
import { createServer } from 'node:http';
import sharp from 'sharp';
import { loadConfig } from '../shared/config.js';
import { ConfigError } from '../shared/errors/app-error.js';
import { createLogger } from '../shared/logger.js';
import { onShutdownSignal } from '../shared/shutdown.js';
import { createDynamoClient } from '../shared/storage/dynamodb-client.js';
import { DynamoMediaIndex } from '../shared/storage/dynamodb-media-index.js';
import { createS3Clients } from '../shared/storage/s3-client.js';
import { objectUrlBase, S3ObjectStore } from '../shared/storage/s3-object-store.js';
import { loadTenants } from '../shared/tenants.js';
import { createMediaApp } from './media-app.js';
import { createMediaDeps } from './media-deps.js';

/** The media process (`media` in the Procfile): serves variant URLs on MEDIA_PORT. It needs S3 and DynamoDB, not Redis. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, { service: 'ferry-media' });
  // libvips' operation cache helps when the same image is processed again; a variant is rendered once and then
  // served from S3, so the cache would only hold memory (imgproxy turns it off for the same reason).
  sharp.cache(false);
  if (config.MEDIA_VIPS_THREADS > 0) sharp.concurrency(config.MEDIA_VIPS_THREADS);
  const tenants = loadTenants(config);
  if (!tenants) throw new ConfigError('FERRY_TENANTS or FERRY_TENANTS_FILE is required');
  const { client: s3, presignClient } = createS3Clients(config);
  const store = new S3ObjectStore(s3, config.S3_BUCKET, {
    presignClient,
    objectUrlBase: objectUrlBase(config.S3_BUCKET, config.S3_REGION, config.S3_ENDPOINT, config.S3_FORCE_PATH_STYLE),
  });
  const dynamo = createDynamoClient(config);
  const index = new DynamoMediaIndex(dynamo, config.DYNAMODB_TABLE);
  const app = createMediaApp(createMediaDeps({ config, tenants, store, index, logger }));
  const server = createServer(
    {
      requestTimeout: config.API_REQUEST_TIMEOUT_MS,
      headersTimeout: config.API_HEADERS_TIMEOUT_MS,
      keepAliveTimeout: config.API_KEEP_ALIVE_TIMEOUT_MS,
    },
    app,
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.MEDIA_PORT, config.HOST, () => resolve());
  });
  logger.info({ port: config.MEDIA_PORT }, 'media listening');
  onShutdownSignal(logger, async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    s3.destroy();
    if (presignClient !== s3) presignClient.destroy();
    dynamo.destroy();
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
