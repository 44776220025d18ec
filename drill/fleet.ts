import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { spawnTs, type TsChild } from '../fixtures/child-process.js';
import { compileOnce } from '../fixtures/compile-once.js';
import { freePort } from '../fixtures/free-port.js';
import { listTree } from '../fixtures/list-tree.js';
import { until } from '../fixtures/until.js';
import { LOCAL_CREDENTIALS, startLocalStack, type LocalStack } from '../local/stack.js';
import { loadConfig, type Config } from '../shared/config.js';
import { allQueues, closeQueues, createQueues, type FerryQueues } from '../shared/queues.js';
import { createClients, type Clients } from '../shared/runtime.js';
import { generateApiKey, hashApiKey } from '../shared/tenants.js';

export interface FleetOptions {
  workers: number;
  /** Variables for every process on top of the fleet's (stack endpoints, queue prefix, tenants...). */
  env?: Record<string, string>;
  /** Variables for the API and worker processes only, over `env` (e.g. the stack's S3 behind a proxy). */
  processEnv?: (stack: LocalStack) => Record<string, string> | Promise<Record<string, string>>;
  /** The tenant's limits. */
  limits?: Record<string, unknown>;
  /** More fields of the tenant (a webhook secret...). */
  tenant?: Record<string, unknown>;
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
  /** POSTs a job as the drill's tenant; the answer's status and JSON body (a network error as status 0). */
  post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  /** The tenant's job document, as GET /v1/jobs/:id answers it. */
  job(id: string): Promise<Record<string, unknown>>;
  /** Archive objects in the bucket, per zip job id. */
  archivesPerJob(): Promise<Map<string, number>>;
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
  const tenants = [
    { id: 'drill', apiKeys: [hashApiKey(apiKey)], limits: { allowedTypes: ['*/*'], ...o.limits }, ...o.tenant },
  ];
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
  const childEnv = { PATH: process.env.PATH ?? '', ...env, ...(await o.processEnv?.(stack)) };
  const api = spawnTs('api', 'dist/api/server.js', { env: childEnv });
  const baseUrl = `http://127.0.0.1:${port}`;
  const workers: TsChild[] = [];
  const startWorker = async () => {
    const before = await queues.zip.getWorkersCount();
    const worker = spawnTs(`worker-${workers.length + 1}`, 'dist/worker/main.js', { env: childEnv });
    workers.push(worker);
    await until(
      async () => (await queues.zip.getWorkersCount()) > before,
      `worker-${workers.length} registered`,
      60_000,
    );
    return worker;
  };
  await until(
    async () => (await fetch(`${baseUrl}/readyz`).catch(() => undefined))?.ok === true,
    'the API is ready',
    60_000,
  );
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
    tempFiles: () => listTree(tempDir),
    async post(path, body) {
      const res = await fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      }).catch((err: unknown) => err as Error);
      if (res instanceof Error) return { status: 0, body: { error: { message: res.message } } };
      return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
    },
    async job(id) {
      const res = await fetch(`${baseUrl}/v1/jobs/${id}`, { headers: { authorization: `Bearer ${apiKey}` } });
      if (!res.ok) throw new Error(`GET /v1/jobs/${id}: ${res.status} ${await res.text()}`);
      return (await res.json()) as Record<string, unknown>;
    },
    async archivesPerJob() {
      const perJob = new Map<string, number>();
      let token: string | undefined;
      do {
        const page = await clients.s3.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: 'drill/zips/', ContinuationToken: token }),
        );
        for (const o of page.Contents ?? []) {
          const id = o.Key?.split('/')[2] ?? '';
          perJob.set(id, (perJob.get(id) ?? 0) + 1);
        }
        token = page.NextContinuationToken;
      } while (token);
      return perJob;
    },
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
