import 'dotenv/config';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import express from 'express';
import { z } from 'zod';
import { loadConfig } from '../shared/config.js';
import { ConfigError } from '../shared/errors/app-error.js';
import { createLogger } from '../shared/logger.js';
import { onShutdownSignal } from '../shared/shutdown.js';
import { createDynamoClient } from '../shared/storage/dynamodb-client.js';
import { DynamoMediaIndex } from '../shared/storage/dynamodb-media-index.js';
import { generateApiKey, hashApiKey } from '../shared/tenants.js';
import { SAMPLE_NAMES, SAMPLE_PHOTO, sampleFilesRouter, samplePhoto } from './sample-files.js';
import { SmtpSink } from './smtp-sink.js';
import { LOCAL_CREDENTIALS, startLocalStack } from './stack.js';

/** The stack's API key survives restarts (kept under its data dir), like dev mode's. */
async function stackApiKey(dataDir: string): Promise<string> {
  const file = join(dataDir, 'api-key');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const key = generateApiKey();
    await writeFile(file, `${key}\n`, { mode: 0o600 });
    return key;
  }
}

/** A value a POSIX shell (`set -a; . file`) and dotenv both read back as it is. */
const quoted = (value: string) => (/^[\w@%+=:,./-]*$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`);

/**
 * `npm run stack`: the embedded S3 (s3rver), DynamoDB (dynalite) and SMTP sink alone, with the bucket and the
 * table made and the dev sample files served, so the compiled API and workers run against them as against AWS.
 * Prints their settings as `KEY=value` lines (also written to `<FERRY_DATA_DIR>/stack/stack.env`).
 */
async function main(): Promise<void> {
  const base = loadConfig();
  const logger = createLogger(base.LOG_LEVEL, { service: 'ferry-stack' });
  const dataDir = resolve(base.FERRY_DATA_DIR, 'stack');
  await mkdir(dataDir, { recursive: true });
  const stack = await startLocalStack({ dataDir, buckets: [base.S3_BUCKET] });
  const sink = await SmtpSink.start();
  const files = express().use(sampleFilesRouter(await samplePhoto()));
  const fileServer = await new Promise<import('node:http').Server>((res) => {
    const s = files.listen(0, '127.0.0.1', () => res(s));
  });
  const filesOrigin = `http://127.0.0.1:${(fileServer.address() as AddressInfo).port}`;

  const apiKey = await stackApiKey(dataDir);
  const env: Record<string, string> = {
    ...stack.env,
    S3_BUCKET: base.S3_BUCKET,
    S3_REGION: base.S3_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    DYNAMODB_TABLE: base.DYNAMODB_TABLE,
    SMTP_URL: sink.url,
    // The config's default sender (ferry@localhost) is not an address its own check accepts when set explicitly.
    MAIL_FROM: z.email().safeParse(base.MAIL_FROM).success ? base.MAIL_FROM : 'ferry@stack.test',
    // The sample file server is on loopback, which the SSRF guard refuses unless let through by address.
    SSRF_ALLOW_IPS: '127.0.0.1',
    FERRY_TENANTS: JSON.stringify([{ id: 'stack', apiKeys: [hashApiKey(apiKey)] }]),
  };
  const config = loadConfig(undefined, { overrides: env });
  const dynamo = createDynamoClient(config, LOCAL_CREDENTIALS);
  await new DynamoMediaIndex(dynamo, config.DYNAMODB_TABLE).ensureTable();
  dynamo.destroy();

  const lines = [
    '# ferry stack: embedded S3, DynamoDB and SMTP (Redis is yours: REDIS_URL, default redis://127.0.0.1:6379)',
    `# API key of tenant "stack": ${apiKey}`,
    `# sample files: ${[...SAMPLE_NAMES, SAMPLE_PHOTO].map((n) => `${filesOrigin}/dev/samples/${n}`).join(' ')}`,
    ...Object.entries(env).map(([k, v]) => `${k}=${quoted(v)}`),
    `FERRY_SAMPLES_URL=${filesOrigin}/dev/samples`,
  ];
  const text = `${lines.join('\n')}\n`;
  await writeFile(join(dataDir, 'stack.env'), text, { mode: 0o600 });
  process.stdout.write(`${text}# ready (also in ${join(dataDir, 'stack.env')}); Ctrl-C stops the stack\n`);

  onShutdownSignal(logger, async () => {
    await new Promise<void>((res) => fileServer.close(() => res()));
    await sink.close();
    await stack.close();
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
