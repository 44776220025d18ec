import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnTs, type TsChild } from '../../fixtures/child-process.js';
import { startOwnRedis } from '../../fixtures/redis-server.js';
import { until } from '../../fixtures/until.js';
import { LOCAL_CREDENTIALS, startLocalStack, type LocalStack } from '../../local/stack.js';
import { hashApiKey } from '../../shared/tenants.js';

let stack: LocalStack;
let tempDir: string;
const children: TsChild[] = [];
beforeAll(async () => {
  // No bucket made, and no table: the processes must say so, and how to fix it.
  [stack, tempDir] = await Promise.all([startLocalStack({ buckets: [] }), mkdtemp(join(tmpdir(), 'ferry-startup-'))]);
});
afterAll(async () => {
  await Promise.all(children.map((c) => c.stop()));
  await stack?.close();
  await rm(tempDir, { recursive: true, force: true });
});

/** Starts a ferry process on the embedded stack and collects its log lines. */
function start(name: string, entry: string, env: Record<string, string>) {
  const lines: string[] = [];
  const child = spawnTs(name, entry, {
    env: {
      PATH: process.env.PATH ?? '',
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: `test-${randomUUID()}`,
      HOST: '127.0.0.1',
      PORT: '0',
      TEMP_DIR: tempDir,
      FERRY_TENANTS: JSON.stringify([{ id: 'acme', apiKeys: [hashApiKey('k')] }]),
      ...stack.env,
      ...env,
    },
  });
  children.push(child);
  createInterface({ input: child.process.stdout! }).on('line', (l) => lines.push(l));
  return lines;
}

it.each([
  ['api', 'api/server.ts'],
  ['worker', 'worker/main.ts'],
])('the %s logs a missing bucket and a missing table at start, with the fix', async (name, entry) => {
  const id = randomUUID().slice(0, 8);
  const lines = start(name, entry, { S3_BUCKET: `nobucket-${id}`, DYNAMODB_TABLE: `notable-${id}` });
  const bucketLine = await until(
    () => lines.find((l) => l.includes(`bucket nobucket-${id} does not exist at ${stack.s3Endpoint}`)),
    `the ${name} to name the missing bucket`,
  );
  expect(bucketLine).toContain('ferry setup --create-bucket');
  const tableLine = await until(
    () => lines.find((l) => l.includes(`table notable-${id} does not exist at ${stack.dynamoEndpoint}`)),
    `the ${name} to name the missing table`,
  );
  expect(tableLine).toContain('`ferry setup`');
});

it('the worker warns at start when Redis may evict jobs or has no AOF, naming the CONFIG SET commands', async () => {
  const redis = await startOwnRedis(['--maxmemory-policy', 'allkeys-lru', '--appendonly', 'no']);
  try {
    const lines = start('worker-lru', 'worker/main.ts', { REDIS_URL: redis.url, S3_BUCKET: 'unused-bucket' });
    await until(() => lines.find((l) => l.includes('CONFIG SET maxmemory-policy noeviction')), 'the eviction warning');
    await until(() => lines.find((l) => l.includes('CONFIG SET appendonly yes')), 'the AOF warning');
    await children.pop()!.stop();
  } finally {
    await redis.close();
  }
});
