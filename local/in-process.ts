import { once } from 'node:events';
import express, { type RequestHandler } from 'express';
import { createApp } from '../api/app.js';
import { createApiDeps, type ApiDeps } from '../api/deps.js';
import { httpTimeouts, listen, type HttpServer } from '../api/http-server.js';
import { createMediaDeps, type MediaDeps } from '../media/media-deps.js';
import { mediaRouter } from '../media/media-router.js';
import type { Config } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import { allQueues, closeQueues, createQueues, logQueueErrors, type FerryQueues } from '../shared/queues.js';
import { RateLimitedLog } from '../shared/rate-limited-log.js';
import { createClients, type Clients } from '../shared/runtime.js';
import type { AwsCredentials } from '../shared/storage/s3-client.js';
import type { Tenant } from '../shared/tenants.js';
import { startWorkers, type RunningWorkers } from '../worker/workers.js';

export interface FerryOptions {
  config: Config;
  tenants: Tenant[];
  logger: Logger;
  /** S3/DynamoDB credentials (the embedded stack's); the SDK's default chain when absent. */
  credentials?: AwsCredentials;
  /** Name of the Redis connections (CLIENT LIST). */
  name?: string;
  /** Serve the API on config.PORT/HOST (default true). */
  api?: boolean;
  /** Start one set of workers (default true); more with `startWorker()`. */
  workers?: boolean;
  /** Serve the variant route (`/m/...`, the media process's) beside the API (default true). */
  media?: boolean;
  /** Handlers mounted in front of the API (dev mode's sample files). */
  before?: RequestHandler[];
  /** Create the DynamoDB media table first when it is missing (the embedded stack starts without it). */
  ensureMediaTable?: boolean;
}

export interface CloseOptions {
  /** How long running jobs may take to finish before they are handed back (default 30 s). */
  workerTimeoutMs?: number;
  /** Remove every job and key of the queues once the workers are stopped (tests and benchmarks). */
  obliterate?: boolean;
}

/** A whole ferry in this process: what dev mode, the test harness and the benchmarks run. */
export interface Ferry {
  config: Config;
  clients: Clients;
  queues: FerryQueues;
  /** The API, when it was asked for. */
  http?: HttpServer;
  /** The variant route's deps (its render gate...), when it is served. */
  media?: MediaDeps;
  /** Whether `ensureMediaTable` had to create the table. */
  createdMediaTable: boolean;
  /** Starts another set of workers, with settings and clients of its own when given. */
  startWorker(config?: Config, clients?: Clients): RunningWorkers;
  /** Stops the API, then the workers, then the queues and clients. */
  close(options?: CloseOptions): Promise<void>;
}

/** Builds the clients and queues once, then the API and workers on them: the one in-process composition. */
export async function startFerry(o: FerryOptions): Promise<Ferry> {
  const { tenants, logger } = o;
  let config = o.config;
  let http: HttpServer | undefined;
  let app: express.Express | undefined;
  if (o.api !== false) {
    // Listen first: with no PUBLIC_URL, links the API and the workers mint point at this server's own address.
    app = express();
    app.disable('x-powered-by');
    http = await listen(app, config.PORT, config.HOST, httpTimeouts(config));
    config = { ...config, PUBLIC_URL: config.PUBLIC_URL ?? http.url };
  }
  const clients = createClients(config, o.name ?? 'ferry', { credentials: o.credentials });
  const createdMediaTable = o.ensureMediaTable ? await clients.index.ensureTable() : false;
  const queues = createQueues(clients.redis, config);
  logQueueErrors(queues, new RateLimitedLog(logger, 'Redis error on a queue handle'));
  const workers: RunningWorkers[] = [];
  const startWorker = (workerConfig = config, own = clients) => {
    const running = startWorkers({
      config: workerConfig,
      connection: own.redis,
      store: own.store,
      index: own.index,
      tenants,
      logger,
    });
    workers.push(running);
    return running;
  };
  if (o.workers !== false) startWorker();
  let api: { clients: Clients; queues: FerryQueues; deps: ApiDeps } | undefined;
  let media: MediaDeps | undefined;
  if (app) {
    // The API's Redis connection fails fast (503) while Redis is away, as in api/server.ts; workers' waits.
    const apiClients = createClients(config, `${o.name ?? 'ferry'}-api`, {
      credentials: o.credentials,
      redisRole: 'api',
      onRedisError: (err) => logger.warn({ err }, 'redis connection error'),
    });
    // With no offline queue, a command sent before the connection is up fails: wait for it first.
    if (apiClients.redis.status !== 'ready') await once(apiClients.redis, 'ready');
    const apiQueues = createQueues(apiClients.redis, config);
    const deps = createApiDeps({ config, clients: apiClients, queues: apiQueues, tenants, logger });
    api = { clients: apiClients, queues: apiQueues, deps };
    logQueueErrors(api.queues, new RateLimitedLog(logger, 'Redis error on a queue handle'));
    if (o.before) app.use(...o.before);
    if (o.media !== false) {
      media = createMediaDeps({ config, tenants, store: api.clients.store, index: api.clients.index, logger });
      app.use(mediaRouter(media));
    }
    app.use(createApp(deps));
  }
  return {
    config,
    clients,
    queues,
    http,
    media,
    createdMediaTable,
    startWorker,
    async close({ workerTimeoutMs, obliterate = false } = {}) {
      // Closing the job events first ends the open SSE streams, so the server's close does not wait on them.
      await api?.deps.jobEvents.close();
      await http?.close();
      if (api) {
        await closeQueues(api.queues);
        await api.clients.close();
      }
      await Promise.all(workers.map((w) => w.close(workerTimeoutMs)));
      if (obliterate) {
        await Promise.all(allQueues(queues).map((q) => q.obliterate({ force: true }).catch(() => undefined)));
      }
      await closeQueues(queues);
      await clients.close();
    },
  };
}
