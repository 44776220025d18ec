import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Queue } from 'bullmq';
import { listTree } from '../../fixtures/list-tree.js';
import { startFerry } from '../../local/in-process.js';
import { LOCAL_CREDENTIALS, startLocalStack, type LocalStack } from '../../local/stack.js';
import type { MediaDeps } from '../../media/media-deps.js';
import { loadConfig, type Config } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import type { FerryQueues } from '../../shared/queues.js';
import { createClients, type Clients } from '../../shared/runtime.js';
import { hashApiKey, type Tenant, type TenantMedia } from '../../shared/tenants.js';
import type { RunningWorkers } from '../../worker/workers.js';

export const KEY_A = 'test-key-tenant-a';
export const KEY_B = 'test-key-tenant-b';
/** Tenant A's sender name on share pages and emails (tenant B has none: its id is shown). */
export const DISPLAY_NAME_A = 'Studio Ämma & <Co>';
/** Tenant A's webhook secret (tenant B has none, so it cannot ask for webhooks). */
export const WEBHOOK_SECRET_A = 'whsec_dGVzdC13ZWJob29rLXNlY3JldC1mb3ItdGVuYW50LWE=';
/** The media secrets that sign variant URLs. */
export const MEDIA_SECRET_A = 'media-secret-of-tenant-a';
export const MEDIA_SECRET_B = 'media-secret-of-tenant-b';

export interface HarnessOptions {
  /** Config variables on top of the harness defaults (ALLOW_PRIVATE_NETWORKS=true, small timeouts...). */
  env?: Record<string, string>;
  /** Limits for tenant A (tenant B keeps the defaults). */
  limitsA?: Partial<Tenant['limits']>;
  /** Media settings for tenant A on top of its secret (watermark, presets, more secrets). */
  mediaA?: Partial<TenantMedia>;
  /** Start no worker (tests that only need the API). */
  workers?: boolean;
  /**
   * The Redis topology's variables (a fixture's `env`: REDIS_CLUSTER_NODES, REDIS_SENTINELS...) instead of the
   * machine's Redis. With a cluster, the queue prefix carries a hash tag.
   */
  redis?: Record<string, string>;
}

export interface Harness {
  config: Config;
  /** The variables this harness's config was loaded from (for starting ferry processes as children). */
  env: Record<string, string>;
  baseUrl: string;
  stack: LocalStack;
  clients: Clients;
  queues: FerryQueues;
  webhookQueue: Queue;
  /** The variant route's deps (its render gate), served beside the API. */
  media: MediaDeps;
  /** TEMP_DIR of this harness's workers. */
  tempDir: string;
  request(
    method: string,
    path: string,
    opts?: { body?: unknown; key?: string | null; raw?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  /** Polls GET /v1/jobs/:id until the job is completed, failed or cancelled. */
  waitForJob(id: string, opts?: { key?: string; timeoutMs?: number }): Promise<any>;
  /** Downloads the finished archive through its presigned URL. */
  download(url: string): Promise<{ status: number; body: Buffer; headers: Headers }>;
  /** Files and folders the workers' jobs left under TEMP_DIR (the workers' own folders do not count). */
  tempFiles(): Promise<string[]>;
  startWorker(env?: Record<string, string>): RunningWorkers;
  close(): Promise<void>;
}

/**
 * A whole ferry on real components: embedded S3 and DynamoDB servers, the machine's Redis (with a queue prefix
 * of its own), the real API on a free port and real BullMQ workers.
 */
export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const bucket = `test-${randomUUID().slice(0, 8)}`;
  const stack = await startLocalStack({ buckets: [bucket] });
  const tempDir = await mkdtemp(join(tmpdir(), 'ferry-test-tmp-'));
  const baseEnv = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: opts.redis?.REDIS_CLUSTER_NODES ? `{test-${randomUUID()}}` : `test-${randomUUID()}`,
    ...opts.redis,
    S3_BUCKET: bucket,
    ALLOW_PRIVATE_NETWORKS: 'true',
    TEMP_DIR: tempDir,
    JOB_ATTEMPTS: '1',
    FETCH_RETRY_DELAY_MS: '50',
    ...stack.env,
  };
  const config = loadConfig({ ...baseEnv, ...opts.env });
  const logger = createLogger(config.LOG_LEVEL, { service: 'test' });
  const defaults = {
    jobsPerMinute: 1000,
    maxFilesPerJob: 1000,
    maxFileBytes: 50 * 1024 * 1024,
    maxJobBytes: 500 * 1024 * 1024,
    allowedTypes: ['image/*', 'video/*', 'audio/*', 'application/pdf', 'text/*', 'application/json'],
  };
  const tenants: Tenant[] = [
    {
      id: 'tenant-a',
      apiKeyHashes: [hashApiKey(KEY_A)],
      webhookSecret: WEBHOOK_SECRET_A,
      limits: { ...defaults, ...opts.limitsA },
      displayName: DISPLAY_NAME_A,
      media: { secrets: [MEDIA_SECRET_A], presets: {}, ...opts.mediaA },
    },
    {
      id: 'tenant-b',
      apiKeyHashes: [hashApiKey(KEY_B)],
      limits: defaults,
      media: { secrets: [MEDIA_SECRET_B], presets: {} },
    },
  ];
  const ferry = await startFerry({
    config,
    tenants,
    logger,
    credentials: LOCAL_CREDENTIALS,
    name: 'test',
    workers: opts.workers !== false,
    ensureMediaTable: true,
  });
  const { clients, queues } = ferry;
  const extraClients: Clients[] = [];
  const startWorker = (env: Record<string, string> = {}) => {
    // Workers mint share links for the API's own address, as the harness's first workers do.
    const workerConfig = loadConfig({ ...baseEnv, PUBLIC_URL: ferry.config.PUBLIC_URL ?? '', ...opts.env, ...env });
    // A worker with settings of its own (another S3 endpoint...) gets clients of its own.
    if (Object.keys(env).length === 0) return ferry.startWorker(workerConfig);
    const own = createClients(workerConfig, 'test-worker', { credentials: LOCAL_CREDENTIALS });
    extraClients.push(own);
    return ferry.startWorker(workerConfig, own);
  };
  const baseUrl = ferry.http!.url;

  const request: Harness['request'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...o.headers };
    const key = o.key === undefined ? KEY_A : o.key;
    if (key !== null) headers.authorization = `Bearer ${key}`;
    const body = o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
    const res = await fetch(baseUrl + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };

  return {
    config,
    env: { ...baseEnv, ...opts.env },
    baseUrl,
    stack,
    clients,
    queues,
    webhookQueue: queues.webhook,
    media: ferry.media!,
    tempDir,
    request,
    startWorker,
    async waitForJob(id, { key = KEY_A, timeoutMs = 60_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const res = await request('GET', `/v1/jobs/${id}`, { key });
        if (res.status !== 200) throw new Error(`GET job ${id}: ${res.status} ${JSON.stringify(res.body)}`);
        if (['completed', 'failed', 'cancelled'].includes(res.body.state)) return res.body;
        if (Date.now() > deadline) throw new Error(`job ${id} still ${res.body.state} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async download(url) {
      const res = await fetch(url);
      return { status: res.status, body: Buffer.from(await res.arrayBuffer()), headers: res.headers };
    },
    // Each worker's own folder (and its owner file) is there while it runs: only what jobs left counts.
    tempFiles: async () => (await listTree(tempDir)).filter((p) => !/^ferry-worker-[^/]+(\/\.owner\.json)?$/.test(p)),
    async close() {
      await ferry.close({ workerTimeoutMs: 5000, obliterate: true });
      await Promise.all(extraClients.map((c) => c.close()));
      await stack.close();
      await rm(tempDir, { recursive: true, force: true });
    },
  };
}
