import 'dotenv/config';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { loadConfig } from '../shared/config.js';
import { ConfigError } from '../shared/errors/app-error.js';
import { createLogger } from '../shared/logger.js';
import { variantPath } from '../shared/media/variant-path.js';
import { onShutdownSignal } from '../shared/shutdown.js';
import {
  defaultLimits,
  generateApiKey,
  generateMediaSecret,
  generateWebhookSecret,
  hashApiKey,
  loadTenants,
} from '../shared/tenants.js';
import { devMailRouter } from './dev-mail.js';
import { startFerry } from './in-process.js';
import { SAMPLE_NAMES, SAMPLE_PHOTO, sampleFilesRouter, samplePhoto } from './sample-files.js';
import { SmtpSink } from './smtp-sink.js';
import { LOCAL_CREDENTIALS, startLocalStack } from './stack.js';

/**
 * The dev key and webhook secret survive restarts (kept under the data dir) so a pasted curl command and a
 * running webhook receiver keep working.
 */
async function devSecret(dataDir: string, name: string, generate: () => string): Promise<string> {
  const file = join(dataDir, name);
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const value = generate();
    await writeFile(file, `${value}\n`, { mode: 0o600 });
    return value;
  }
}

/**
 * Dev mode needs a Redis it does not start itself: until one answers, say so (every few seconds) rather than
 * print a banner for a ferry whose every request would fail.
 */
async function waitForRedis(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null, retryStrategy: () => 500 });
  let lastSaid = 0;
  redis.on('error', (err: Error) => {
    if (Date.now() - lastSaid < 5000) return;
    lastSaid = Date.now();
    process.stderr.write(
      `ferry dev: waiting for Redis at ${redactedRedisUrl(url)} (${err.message}); is redis-server running?\n`,
    );
  });
  try {
    await redis.connect().catch(() => undefined);
    await redis.ping();
  } finally {
    redis.disconnect();
  }
}

/**
 * Ingests the dev photo through the API (a real ingest job) and returns an `<img>` tag for a variant of it, once
 * the job has stored it: the banner's example then works as printed. Undefined when it could not be made.
 */
async function sampleImgTag(
  base: string,
  publicUrl: string,
  key: string,
  mediaSecret: string,
  photo: Buffer,
): Promise<string | undefined> {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const created = await fetch(`${base}/v1/ingests`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ urls: [`${base}/dev/samples/${SAMPLE_PHOTO}`] }),
  });
  if (created.status !== 202 && created.status !== 200) return undefined;
  const { id } = (await created.json()) as { id: string };
  const deadline = Date.now() + 30_000;
  for (;;) {
    const job = (await (await fetch(`${base}/v1/jobs/${id}`, { headers })).json()) as { state?: string };
    if (job.state === 'completed') break;
    if (job.state === 'failed' || job.state === 'cancelled' || Date.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // The variant URL's source is the photo's content address: signed here, with no further round trip.
  const source = `${createHash('sha256').update(photo).digest('hex')}.jpg`;
  return `<img src="${publicUrl}${variantPath('dev', 'w_300,f_auto', source, mediaSecret)}" width="300">`;
}

function redactedRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return 'REDIS_URL';
  }
}

/** `npm run dev`: embedded S3 and DynamoDB servers, the API and a worker, in one process. */
async function main(): Promise<void> {
  const defaults = { NODE_ENV: 'development', ALLOW_PRIVATE_NETWORKS: 'true' };
  const base = loadConfig(undefined, { defaults });
  const dataDir = resolve(base.FERRY_DATA_DIR);
  await mkdir(dataDir, { recursive: true });
  const stack = await startLocalStack({ dataDir, buckets: [base.S3_BUCKET] });
  // Share emails go to a local SMTP sink (listed at /dev/mail) unless SMTP_URL names a real server.
  const sink = base.SMTP_URL === undefined ? await SmtpSink.start() : undefined;

  const config = loadConfig(undefined, {
    defaults,
    overrides: { ...stack.env, FERRY_DATA_DIR: dataDir, ...(sink ? { SMTP_URL: sink.url } : {}) },
  });
  const logger = createLogger(config.LOG_LEVEL, { service: 'ferry-dev' });
  await waitForRedis(config.REDIS_URL);
  let key: string | undefined;
  let webhookSecret: string | undefined;
  let mediaSecret: string | undefined;
  let tenants = loadTenants(config);
  if (!tenants) {
    key = await devSecret(dataDir, 'dev-api-key', generateApiKey);
    webhookSecret = await devSecret(dataDir, 'dev-webhook-secret', generateWebhookSecret);
    mediaSecret = await devSecret(dataDir, 'dev-media-secret', generateMediaSecret);
    tenants = [
      {
        id: 'dev',
        apiKeyHashes: [hashApiKey(key)],
        webhookSecret,
        limits: defaultLimits(config),
        media: { secrets: [mediaSecret], presets: { thumb: { width: 150, height: 150, format: 'auto' } } },
      },
    ];
  }
  const photo = await samplePhoto();
  // The embedded S3 server only accepts its own credentials.
  const ferry = await startFerry({
    config,
    tenants,
    logger,
    credentials: LOCAL_CREDENTIALS,
    name: 'ferry-dev',
    before: [sampleFilesRouter(photo), ...(sink ? [devMailRouter(sink)] : [])],
    ensureMediaTable: true,
  });
  if (ferry.createdMediaTable) logger.info({ table: config.DYNAMODB_TABLE }, 'created the media index table');
  const img =
    key && mediaSecret && ferry.http
      ? await sampleImgTag(ferry.http.url, ferry.config.PUBLIC_URL ?? ferry.http.url, key, mediaSecret, photo).catch(
          (err: unknown) => {
            logger.warn({ err }, 'could not ingest the sample photo for the banner');
            return undefined;
          },
        )
      : undefined;
  printBanner(
    config.PORT,
    key,
    webhookSecret,
    stack.s3Endpoint,
    stack.dynamoEndpoint,
    dataDir,
    config.QUEUE_PREFIX,
    sink ? `${ferry.http!.url}/dev/mail (SMTP sink at ${sink.url})` : `SMTP_URL (not the dev sink)`,
    img,
  );

  onShutdownSignal(logger, async () => {
    await ferry.close();
    await stack.close();
    await sink?.close();
  });
}

function printBanner(
  port: number,
  key: string | undefined,
  webhookSecret: string | undefined,
  s3: string,
  dynamo: string,
  dataDir: string,
  prefix: string,
  mail: string,
  img: string | undefined,
) {
  const base = `http://127.0.0.1:${port}`;
  const auth = key ?? '<one of your FERRY_TENANTS keys>';
  const plain = SAMPLE_NAMES.slice(0, 2).map((n) => `${base}/dev/samples/${n}`);
  const urls = plain.map((u) => `"${u}"`);
  const lines = [
    '',
    `ferry dev is running at ${base}`,
    `  API key (tenant "dev"): ${auth}`,
    ...(webhookSecret ? [`  webhook secret:         ${webhookSecret}`] : []),
    `  embedded S3:            ${s3} (bucket data under ${dataDir}/s3)`,
    `  embedded DynamoDB:      ${dynamo}`,
    `  queue prefix:           ${prefix}`,
    `  share emails:           ${mail}`,
    '',
    'Try it with the CLI (configure saves the address and key in ~/.config/ferry/config.json):',
    `  npm run -s ferry -- configure --url ${base} --key ${auth}`,
    `  npm run -s ferry -- zip ${plain.join(' ')} --name photos --wait`,
    `  npm run -s ferry -- ingest ${plain.join(' ')} --wait`,
    'or with curl:',
    `  curl -s -H 'Authorization: Bearer ${auth}' -d '{"filename":"photos","urls":[${urls.join(',')}]}' ${base}/v1/zips`,
    `  curl -s -H 'Authorization: Bearer ${auth}' -d '{"filename":"for-ann","urls":[${urls.join(',')}],"notify":{"email":["ann@example.com"]}}' ${base}/v1/zips`,
    `  curl -s -H 'Authorization: Bearer ${auth}' -d '{"urls":[${urls.join(',')}]}' ${base}/v1/ingests`,
    `  curl -s -H 'Authorization: Bearer ${auth}' ${base}/v1/jobs/<id>`,
    `  curl -s -H 'Authorization: Bearer ${auth}' -d '{"url":"${base}/dev/samples/${SAMPLE_PHOTO}","width":300,"format":"auto"}' ${base}/v1/media/variants`,
    ...(img ? ['', 'A media variant (the sample photo, ingested at start), for a page:', `  ${img}`] : []),
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
