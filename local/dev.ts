import 'dotenv/config';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { loadConfig } from '../shared/config.js';
import { ConfigError } from '../shared/errors/app-error.js';
import { createLogger } from '../shared/logger.js';
import { onShutdownSignal } from '../shared/shutdown.js';
import { defaultLimits, generateApiKey, generateWebhookSecret, hashApiKey, loadTenants } from '../shared/tenants.js';
import { devMailRouter } from './dev-mail.js';
import { startFerry } from './in-process.js';
import { SAMPLE_NAMES, sampleFilesRouter } from './sample-files.js';
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
  let tenants = loadTenants(config);
  if (!tenants) {
    key = await devSecret(dataDir, 'dev-api-key', generateApiKey);
    webhookSecret = await devSecret(dataDir, 'dev-webhook-secret', generateWebhookSecret);
    tenants = [{ id: 'dev', apiKeyHashes: [hashApiKey(key)], webhookSecret, limits: defaultLimits(config) }];
  }
  // The embedded S3 server only accepts its own credentials.
  const ferry = await startFerry({
    config,
    tenants,
    logger,
    credentials: LOCAL_CREDENTIALS,
    name: 'ferry-dev',
    before: [sampleFilesRouter(), ...(sink ? [devMailRouter(sink)] : [])],
    ensureMediaTable: true,
  });
  if (ferry.createdMediaTable) logger.info({ table: config.DYNAMODB_TABLE }, 'created the media index table');
  printBanner(
    config.PORT,
    key,
    webhookSecret,
    stack.s3Endpoint,
    stack.dynamoEndpoint,
    dataDir,
    config.QUEUE_PREFIX,
    sink ? `${ferry.http!.url}/dev/mail (SMTP sink at ${sink.url})` : `SMTP_URL (not the dev sink)`,
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
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
