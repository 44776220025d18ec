import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFerry } from '../../local/in-process.js';
import { LOCAL_CREDENTIALS, startLocalStack } from '../../local/stack.js';
import { loadConfig, type Config } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import type { FerryQueues } from '../../shared/queues.js';
import type { Clients } from '../../shared/runtime.js';
import { defaultLimits, generateApiKey, hashApiKey, type TenantLimits } from '../../shared/tenants.js';
import { startFileServerProcess, type FileServerProcess } from '../synthetic/file-server-process.js';
import { benchApiClient, type BenchApi } from './bench-api.js';
import type { Log } from './bench-session.js';
import type { CleanupStack } from './cleanup-stack.js';

export interface BenchStackOptions {
  /** Synthetic files the file server serves; also the tenant's maxFilesPerJob (at least). */
  files: number;
  fileBytes: number;
  /** Size of the text variant of each file (`/t/...`); `fileBytes` when not given. */
  textFileBytes?: number;
  /** Create the DynamoDB media table (ingest jobs need it). */
  mediaTable?: boolean;
  /** Redis topology variables (a fixture's env) instead of REDIS_URL; a cluster gets a hash-tagged prefix. */
  redis?: Record<string, string>;
  /** The tenant's jobsPerMinute (the config default otherwise): benches that post many jobs raise it. */
  jobsPerMinute?: number;
}

export interface BenchStack {
  /** The service's variables for this run: stack endpoints, bucket, table, a queue prefix of its own. */
  env: Record<string, string>;
  config: Config;
  clients: Clients;
  queues: FerryQueues;
  api: BenchApi;
  /** The tenant's API key (for load generators that call the API themselves). */
  apiKey: string;
  tenant: string;
  limits: TenantLimits;
  fileServer: FileServerProcess;
  /** Where s3rver keeps the bucket's objects and open multipart uploads (a bench may count their parts). */
  s3Directory: string;
  /** Removed at clean-up. */
  tempRoot: string;
  /** The worker's TEMP_DIR (inside tempRoot): a bench checks it is empty after each job. */
  workerTemp: string;
  /** The environment of the worker and the baseline children. */
  workerEnv(knobs: { downloadConcurrency: number }): NodeJS.ProcessEnv;
}

const TENANT = 'bench';

/**
 * Everything a bench job runs against, each piece registered on `cleanup` as soon as it exists: the local stack
 * (s3rver + dynalite, in this process), a bucket and table of its own, Redis queues under a fresh prefix
 * (obliterated at the end), the real API in this process with one tenant that may fetch any type, and the
 * synthetic file server as a child process. The worker is the bench's to start (startWorkerProcess).
 */
export async function startBenchStack(o: BenchStackOptions, cleanup: CleanupStack, log: Log): Promise<BenchStack> {
  const runId = randomUUID().slice(0, 8);
  const bucket = `bench-${runId}`;
  log(`starting the local stack (s3rver + dynalite), bucket ${bucket}`);
  const stack = await startLocalStack({ buckets: [bucket] });
  cleanup.add('close the local stack', () => stack.close());
  const tempRoot = await mkdtemp(join(tmpdir(), 'ferry-bench-'));
  cleanup.add('remove temp dirs', () => rm(tempRoot, { recursive: true, force: true }));
  const workerTemp = join(tempRoot, 'worker-tmp');
  await mkdir(workerTemp);

  const env: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: o.redis?.REDIS_CLUSTER_NODES ? `{bench-${randomUUID()}}` : `bench-${randomUUID()}`,
    ...o.redis,
    S3_BUCKET: bucket,
    DYNAMODB_TABLE: `bench-media-${runId}`,
    ALLOW_PRIVATE_NETWORKS: 'true',
    ...stack.env,
  };
  const config = loadConfig({ ...env, PORT: '0', HOST: '127.0.0.1', JOB_ATTEMPTS: '1' });

  const defaults = defaultLimits(config);
  const limits: TenantLimits = {
    ...defaults,
    jobsPerMinute: o.jobsPerMinute ?? defaults.jobsPerMinute,
    maxFilesPerJob: Math.max(defaults.maxFilesPerJob, o.files),
    maxFileBytes: Math.max(defaults.maxFileBytes, o.fileBytes, o.textFileBytes ?? 0),
    maxJobBytes: Math.max(defaults.maxJobBytes, o.files * Math.max(o.fileBytes, o.textFileBytes ?? 0)),
    allowedTypes: ['*/*'],
  };
  const apiKey = generateApiKey();
  const logger = createLogger(config.LOG_LEVEL, { service: 'ferry-bench-api' });
  const tenants = [{ id: TENANT, apiKeyHashes: [hashApiKey(apiKey)], limits }];
  // The real API in this process; the worker is the bench's to start, as a child process.
  const ferry = await startFerry({
    config,
    tenants,
    logger,
    credentials: LOCAL_CREDENTIALS,
    name: 'ferry-bench',
    workers: false,
    ensureMediaTable: o.mediaTable,
  });
  cleanup.add('close the API, obliterate and close the queues', async () => {
    await ferry.close({ obliterate: true });
  });
  if (o.mediaTable) log(`media table ${config.DYNAMODB_TABLE} created`);
  const { clients, queues } = ferry;
  const api = benchApiClient(ferry.http!.url, apiKey);
  log(
    `API on ${api.baseUrl}, queue prefix ${config.QUEUE_PREFIX}, tenant "${TENANT}" (allowedTypes */*, maxFilesPerJob ${limits.maxFilesPerJob})`,
  );

  const fileServer = await startFileServerProcess(o.files, o.fileBytes, o.textFileBytes);
  cleanup.add('stop the file server', () => fileServer.stop());
  log(
    `file server (pid ${fileServer.pid}) on ${fileServer.origin}: ${o.files} synthetic files of ${o.fileBytes} bytes, generated on the fly`,
  );

  return {
    env,
    config,
    clients,
    queues,
    api,
    apiKey,
    tenant: TENANT,
    limits,
    fileServer,
    s3Directory: stack.s3Directory,
    tempRoot,
    workerTemp,
    workerEnv: ({ downloadConcurrency }) => {
      // The worker's SDK reads the embedded stack's keys from its environment: a profile from the shell would take
      // precedence over them, and a session token would be sent along with them.
      const { AWS_PROFILE: _profile, AWS_SESSION_TOKEN: _sessionToken, ...inherited } = process.env;
      return {
        ...inherited,
        ...env,
        DOWNLOAD_CONCURRENCY: String(downloadConcurrency),
        WORKER_CONCURRENCY: '1',
        TEMP_DIR: workerTemp,
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      };
    },
  };
}
