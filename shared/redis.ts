import { Redis } from 'ioredis';

/**
 * A Redis connection as BullMQ wants it: `maxRetriesPerRequest: null` so that workers wait out a
 * Redis restart instead of failing their blocking commands.
 */
export function createRedis(url: string, name: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, connectionName: name, lazyConnect: false });
}
