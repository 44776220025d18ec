import { Redis, type RedisOptions } from 'ioredis';

export interface RedisConnectionOptions {
  /**
   * `worker` (the default): `maxRetriesPerRequest: null`, so that workers wait out a Redis restart instead of
   * failing their blocking commands. `api`: fail fast instead of waiting, so that a request can be answered 503
   * at once and nothing it asked for runs later: no offline queue, no command resent after a reconnect, and a
   * command that gets no answer within `commandTimeoutMs` fails.
   */
  role?: 'worker' | 'api';
  /** For `api`: how long a command may wait for its answer (a Redis that accepts connections but hangs). */
  commandTimeoutMs?: number;
}

/** A Redis connection as BullMQ wants it, tuned for the side that uses it. */
export function createRedis(
  url: string,
  name: string,
  { role = 'worker', commandTimeoutMs }: RedisConnectionOptions = {},
): Redis {
  const common: RedisOptions = { connectionName: name, lazyConnect: false };
  if (role === 'worker') return new Redis(url, { ...common, maxRetriesPerRequest: null });
  return new Redis(url, {
    ...common,
    enableOfflineQueue: false,
    // Commands in flight when the connection drops fail with it instead of being kept for the next connection.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: commandTimeoutMs,
  });
}

const UNAVAILABLE_MESSAGES = new Set([
  "Stream isn't writeable and enableOfflineQueue options is false",
  'Connection is closed.',
  'Command timed out',
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
