import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createApp } from '../../api/app.js';
import { createApiDeps } from '../../api/deps.js';
import { httpTimeouts, listen, type HttpServer } from '../../api/http-server.js';
import { loadConfig, type Config } from '../../shared/config.js';
import { allQueues, closeQueues, createQueues, type FerryQueues } from '../../shared/queues.js';
import { createClients, type Clients } from '../../shared/runtime.js';
import { hashApiKey, type Tenant } from '../../shared/tenants.js';

export const API_ONLY_KEY = 'test-key-api-only';

/** One JSON log line of the API. */
export interface LogLine {
  level: number;
  msg?: string;
  [key: string]: unknown;
}

export interface ApiOnly {
  config: Config;
  url: string;
  http: HttpServer;
  clients: Clients;
  queues: FerryQueues;
  /** Every line the API logged, parsed. */
  logs: LogLine[];
  close(): Promise<void>;
}

/**
 * The API alone, composed as api/server.ts composes it (its own Redis connection with the API's options), with
 * one tenant (key {@link API_ONLY_KEY}) and its log lines kept. No worker, S3 or DynamoDB: for tests of what the
 * API answers before any of those is reached.
 */
export async function startApiOnly(env: Record<string, string> = {}): Promise<ApiOnly> {
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `test-${randomUUID()}`,
    ALLOW_PRIVATE_NETWORKS: 'true',
    ...env,
  });
  const logs: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const tenants: Tenant[] = [
    {
      id: 'tenant-a',
      apiKeyHashes: [hashApiKey(API_ONLY_KEY)],
      limits: {
        jobsPerMinute: 1000,
        maxFilesPerJob: 1000,
        maxFileBytes: 1024 ** 2,
        maxJobBytes: 1024 ** 3,
        allowedTypes: ['image/*'],
      },
    },
  ];
  const clients = createClients(config, 'test-api', {
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    redisRole: 'api',
    onRedisError: (err) => logger.warn({ err }, 'redis connection error'),
  });
  const queues = createQueues(clients.redis, config);
  // The API's connection refuses commands until it is connected (no offline queue): start once it is.
  await Promise.all(allQueues(queues).map((q) => q.waitUntilReady()));
  const app = createApp(createApiDeps({ config, clients, queues, tenants, logger }));
  const http = await listen(app, 0, '127.0.0.1', httpTimeouts(config));
  return {
    config,
    url: http.url,
    http,
    clients,
    queues,
    logs,
    async close() {
      await http.close();
      await Promise.all(allQueues(queues).map((q) => q.obliterate({ force: true }).catch(() => undefined)));
      await closeQueues(queues);
      await clients.close();
    },
  };
}
