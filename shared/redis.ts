import type { Redis } from 'ioredis';
import { connectRedis, type RedisConnectionOptions } from './redis-topology.js';

export type { RedisConnectionOptions } from './redis-topology.js';

/** A connection to the one Redis at `url` (see {@link connectRedis} for every topology). */
export function createRedis(url: string, name: string, options: RedisConnectionOptions = {}): Redis {
  // A standalone topology always gives a Redis, never a Cluster.
  return connectRedis({ kind: 'standalone', url, tls: false }, name, options) as Redis;
}

const UNAVAILABLE_MESSAGES = new Set([
  "Stream isn't writeable and enableOfflineQueue options is false",
  'Connection is closed.',
  'Command timed out',
  // ioredis Cluster, while its nodes are away or it has not (re)loaded the slot map.
  "Cluster isn't ready and enableOfflineQueue options is false",
  'Cluster is disconnected.',
  'None of startup nodes is available',
  'Node is disconnected',
]);
/** Replies of a Redis that is there but cannot take writes or reads yet (loading, failing over...). */
const UNAVAILABLE_REPLIES = /^(LOADING|READONLY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN)\b/;

/**
 * Whether `err` says that Redis cannot be reached or cannot serve right now (as opposed to a bug: a wrong
 * command, a script error). ioredis has no error class for most of these: its messages are matched.
 */
export function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return (
    err.name === 'MaxRetriesPerRequestError' ||
    UNAVAILABLE_MESSAGES.has(err.message) ||
    UNAVAILABLE_REPLIES.test(err.message)
  );
}
