import { loadConfig } from '../../shared/config.js';
import { connectRedis, redisTopology, type RedisClient } from '../../shared/redis-topology.js';

/**
 * Redis clients made from config variables exactly as ferry makes them (connectRedis), for tests of how a
 * setting reaches Redis; `closeAll()` disconnects every one this opened.
 */
export function configRedisClients(name: string) {
  const opened: RedisClient[] = [];
  return {
    connect: (env: Record<string, string>): RedisClient => {
      const client = connectRedis(redisTopology(loadConfig(env)), name, { role: 'api', commandTimeoutMs: 2000 });
      client.on('error', () => undefined);
      opened.push(client);
      return client;
    },
    closeAll: (): void => {
      for (const c of opened) c.disconnect();
    },
  };
}

/** Resolves once the client is ready, rejects with its first connection error (a refused handshake). */
export const redisReady = (c: RedisClient) =>
  new Promise<void>((resolve, reject) => {
    c.once('ready', () => resolve());
    c.once('error', reject);
  });
