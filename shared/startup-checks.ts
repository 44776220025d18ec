import { once } from 'node:events';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { probeRedis, RedisNotReadyError } from './redis-readiness.js';
import type { Clients } from './runtime.js';
import { explainStorageError } from './storage/storage-diagnosis.js';

/** What start-up found wrong: each message names the cause and the fix. */
export interface StartupFindings {
  /** The bucket or the table cannot be used (missing, no credentials, refused, unreachable). */
  errors: string[];
  /** Redis works but may lose jobs (eviction, no AOF), or its settings could not be read. */
  warnings: string[];
}

/** Checks the bucket and the media table (one call each). */
export async function checkStores(clients: Pick<Clients, 'store' | 'index'>, config: Config): Promise<string[]> {
  const [bucket, table] = await Promise.all([
    clients.store.ping().then(
      () => undefined,
      (err: unknown) => explainStorageError(err, config, 'bucket'),
    ),
    clients.index.ping().then(
      () => undefined,
      (err: unknown) => explainStorageError(err, config, 'table'),
    ),
  ]);
  return [bucket, table].filter((m): m is string => m !== undefined);
}

/**
 * Redis's warnings (maxmemory-policy, AOF), each with the CONFIG SET command that fixes it; and, when
 * `unreachable` is set, a Redis that does not answer (at a process's start its own connection may not be up yet,
 * and it logs connection errors itself).
 */
export async function checkRedis(
  clients: Pick<Clients, 'redis' | 'redisTopology'>,
  { unreachable = true }: { unreachable?: boolean } = {},
): Promise<string[]> {
  try {
    return (await probeRedis(clients.redis, clients.redisTopology.kind)).warnings;
  } catch (err) {
    if (err instanceof RedisNotReadyError && err.details.primaryReachable) return err.details.warnings;
    return unreachable ? [`Redis is not ready: ${(err as Error).message}: check REDIS_URL`] : [];
  }
}

/** How long the start-up check waits for the process's own Redis connection before it reads Redis's settings. */
const REDIS_READY_WAIT_MS = 10_000;

async function redisReady(redis: Clients['redis']): Promise<void> {
  if (redis.status === 'ready') return;
  await Promise.race([
    once(redis, 'ready'),
    new Promise((resolve) => setTimeout(resolve, REDIS_READY_WAIT_MS).unref()),
  ]);
}

export async function runStartupChecks(clients: Clients, config: Config): Promise<StartupFindings> {
  const [errors, warnings] = await Promise.all([
    checkStores(clients, config),
    redisReady(clients.redis).then(() => checkRedis(clients, { unreachable: false })),
  ]);
  return { errors, warnings };
}

/**
 * The API and the worker check their stores and Redis once at start, in the background: a missing bucket or
 * table, absent credentials or a Redis that may evict jobs is logged with its fix, but does not stop the process
 * (a store that is only briefly away must not keep ferry from starting; /readyz reports it meanwhile).
 */
export function logStartupChecks(clients: Clients, config: Config, logger: Logger): void {
  void runStartupChecks(clients, config).then(
    ({ errors, warnings }) => {
      for (const message of errors) logger.error({ check: 'startup' }, message);
      for (const message of warnings) logger.warn({ check: 'startup' }, message);
    },
    (err: unknown) => logger.warn({ err }, 'start-up checks failed'),
  );
}
