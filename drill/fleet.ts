import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { spawnTs, type TsChild } from '../fixtures/child-process.js';
import { compileOnce } from '../fixtures/compile-once.js';
import { freePort } from '../fixtures/free-port.js';
import { LOCAL_CREDENTIALS, startLocalStack, type LocalStack } from '../local/stack.js';
import { loadConfig, type Config } from '../shared/config.js';
import { allQueues, closeQueues, createQueues, type FerryQueues } from '../shared/queues.js';
import { createClients, type Clients } from '../shared/runtime.js';
import { generateApiKey, hashApiKey } from '../shared/tenants.js';

export interface FleetOptions {
  workers: number;
  /** Variables for every process on top of the fleet's (stack endpoints, queue prefix, tenants...). */
  env?: Record<string, string>;
  /** The tenant's limits. */
  limits?: Record<string, unknown>;
}

/**
 * ferry as the Procfile runs it: the compiled API (`dist/api/server.js`) and workers (`dist/worker/main.js`) as
 * separate processes, against the embedded S3/DynamoDB stack (in this process) and Redis under a fresh prefix.
 */
export interface Fleet {
  baseUrl: string;
  apiKey: string;
  env: Record<string, string>;
  config: Config;
  stack: LocalStack;
  clients: Clients;
  queues: FerryQueues;
  api: TsChild;
  workers: TsChild[];
  tempDir: string;
  /** Starts one more worker process; resolves once it has registered with the zip queue. */
  startWorker(): Promise<TsChild>;
  tempFiles(): Promise<string[]>;
  /** Multipart uploads still open in the bucket. */
  openUploads(): Promise<number>;
  stop(): Promise<void>;
}

export async function startFleet(o: FleetOptions): Promise<Fleet> {
  compileOnce();
  const bucket = `drill-${randomUUID().slice(0, 8)}`;
  const stack = await startLocalStack({ buckets: [bucket] });
  const tempDir = await mkdtemp(join(tmpdir(), 'ferry-drill-'));
  const apiKey = generateApiKey();
  const port = await freePort();
  const tenants = [{ id: 'drill', apiKeys: [hashApiKey(apiKey)], limits: { allowedTypes: ['*/*'], ...o.limits } }];
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    REDIS_URL: 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `drill-${randomUUID()}`,
    S3_BUCKET: bucket,
    DYNAMODB_TABLE: `drill-media-${bucket}`,
    ALLOW_PRIVATE_NETWORKS: 'true',
    TEMP_DIR: tempDir,
    FERRY_TENANTS: JSON.stringify(tenants),
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    ...stack.env,
    ...o.env,
  };
  const config = loadConfig(env);
  const clients = createClients(config, 'ferry-drill', { credentials: LOCAL_CREDENTIALS });
  await clients.index.ensureTable();
  const queues = createQueues(clients.redis, config);
  // The drill's own handles: a drill that takes Redis away expects their errors (the fleet's are what it checks).
  const quiet = () => undefined;
  clients.redis.on('error', quiet);
  for (const q of allQueues(queues)) q.on('error', quiet);
  const childEnv = { PATH: process.env.PATH ?? '', ...env };
  const api = spawnTs('api', 'dist/api/server.js', { env: childEnv });
  const baseUrl = `http://127.0.0.1:${port}`;
  const workers: TsChild[] = [];
  const startWorker = async () => {
    const before = await queues.zip.getWorkersCount();
    const worker = spawnTs(`worker-${workers.length + 1}`, 'dist/worker/main.js', { env: childEnv });
    workers.push(worker);
    await until(`worker-${workers.length} registered`, async () => (await queues.zip.getWorkersCount()) > before);
    return worker;
  };
  await until('the API is ready', async () => (await fetch(`${baseUrl}/readyz`).catch(() => undefined))?.ok === true);
  for (let i = 0; i < o.workers; i++) await startWorker();
  return {
    baseUrl,
    apiKey,
    env,
    config,
    stack,
    clients,
    queues,
    api,
    workers,
    tempDir,
    startWorker,
    tempFiles: () => readdir(tempDir, { recursive: true }),
    openUploads: async () => {
      const out = await clients.s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
      return out.Uploads?.length ?? 0;
    },
    async stop() {
      await Promise.all([api, ...workers].map((c) => c.stop(10_000)));
      await Promise.all(allQueues(queues).map((q) => q.obliterate({ force: true }).catch(() => undefined)));
      await closeQueues(queues);
      await clients.close();
      await stack.close();
      await rm(tempDir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it holds; throws after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(100);
  }
}
