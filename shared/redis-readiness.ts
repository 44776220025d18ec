import { Cluster, type Redis } from 'ioredis';
import type { RedisClient, RedisTopology } from './redis-topology.js';

/** What /readyz says of Redis. */
export interface RedisReport {
  topology: RedisTopology['kind'];
  /** CLUSTER INFO's cluster_state (`ok` or `fail`); cluster mode only. */
  clusterState?: string;
  /** Whether every primary (the one server, Sentinel's current primary, or each cluster master) answers. */
  primaryReachable: boolean;
  /** The primaries answering, as `host:port`. */
  primaries: string[];
  /** `maxmemory-policy` of the primaries (`unknown` where CONFIG is refused, as on some managed services). */
  maxmemoryPolicy: string;
  /** `appendonly` of the primaries (`unknown` likewise). */
  appendonly: string;
  /** What is wrong but does not stop ferry from working now: eviction could drop jobs, no AOF loses them. */
  warnings: string[];
}

/** Redis is not ready: the message says why, `details` is the whole report. */
export class RedisNotReadyError extends Error {
  override name = 'RedisNotReadyError';
  constructor(
    message: string,
    readonly details: RedisReport,
  ) {
    super(message);
  }
}

async function configValue(server: Redis, key: string): Promise<string> {
  try {
    const reply = await server.config('GET', key);
    return reply[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** One value for all primaries, or every distinct one joined (`noeviction,allkeys-lru`). */
const merged = (values: string[]) => [...new Set(values)].join(',') || 'unknown';

const addressOf = (server: Redis) =>
  `${server.stream?.remoteAddress ?? server.options.host}:${server.stream?.remotePort ?? server.options.port}`;

/**
 * Probes Redis for /readyz: resolves with the report when the primaries answer (and the cluster is ok), throws
 * {@link RedisNotReadyError} with the report otherwise. A wrong `maxmemory-policy` or no AOF is a warning only.
 * Where no primary answers, the message ends with `lastConnectionError` (why the connection fails), if any.
 */
export async function probeRedis(
  client: RedisClient,
  topology: RedisTopology['kind'],
  lastConnectionError: () => Error | undefined = () => undefined,
): Promise<RedisReport> {
  const why = (message: string) => {
    const last = lastConnectionError();
    return last ? `${message} (last connection error: ${last.message || last.name})` : message;
  };
  try {
    return await probe(client, topology);
  } catch (err) {
    if (err instanceof RedisNotReadyError) {
      if (err.details.primaryReachable) throw err;
      throw new RedisNotReadyError(why(err.message), err.details);
    }
    const message = (err as Error).message || (err as Error).name;
    throw new RedisNotReadyError(why(message), {
      topology,
      primaryReachable: false,
      primaries: [],
      maxmemoryPolicy: 'unknown',
      appendonly: 'unknown',
      warnings: [],
    });
  }
}

async function probe(client: RedisClient, topology: RedisTopology['kind']): Promise<RedisReport> {
  let clusterState: string | undefined;
  let servers: Redis[];
  if (client instanceof Cluster) {
    const info = await client.cluster('INFO');
    clusterState = /cluster_state:(\w+)/.exec(info)?.[1] ?? 'unknown';
    servers = client.nodes('master');
  } else {
    servers = [client];
  }
  const answers = await Promise.all(
    servers.map(async (s) => {
      try {
        const role = (await s.call('ROLE')) as [string, ...unknown[]];
        return role[0] === 'master' ? s : undefined;
      } catch {
        return undefined;
      }
    }),
  );
  const primaries = answers.filter((s): s is Redis => s !== undefined);
  const policies = await Promise.all(primaries.map((s) => configValue(s, 'maxmemory-policy')));
  const aofs = await Promise.all(primaries.map((s) => configValue(s, 'appendonly')));
  const report: RedisReport = {
    topology,
    ...(clusterState === undefined ? {} : { clusterState }),
    primaryReachable: servers.length > 0 && primaries.length === servers.length,
    primaries: primaries.map(addressOf),
    maxmemoryPolicy: merged(policies),
    appendonly: merged(aofs),
    warnings: [],
  };
  if (policies.some((p) => p !== 'noeviction')) {
    report.warnings.push(
      `maxmemory-policy is ${report.maxmemoryPolicy}: BullMQ needs noeviction (keys may be evicted); run CONFIG SET maxmemory-policy noeviction (and set it in redis.conf, or your provider's parameter group)`,
    );
  }
  if (aofs.some((a) => a !== 'yes')) {
    report.warnings.push(
      `appendonly is ${report.appendonly}: jobs accepted since the last snapshot are lost on a crash; run CONFIG SET appendonly yes (and set it in redis.conf)`,
    );
  }
  if (clusterState !== undefined && clusterState !== 'ok') {
    throw new RedisNotReadyError(`cluster_state is ${clusterState}`, report);
  }
  if (!report.primaryReachable) throw new RedisNotReadyError('the Redis primary does not answer', report);
  return report;
}
