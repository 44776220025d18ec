import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOwnRedis, type OwnRedis } from '../../fixtures/redis-server.js';
import { configRedisClients, redisReady } from '../helpers/config-redis.js';

// A redis-server of the test's own with an ACL user: REDIS_USERNAME/REDIS_PASSWORD reach it, win over the URL's.
let redis: OwnRedis;
const clients = configRedisClients('test-auth');
const connect = clients.connect;

beforeAll(async () => {
  // Set after start: the fixture's own client is logged in already and stays so.
  redis = await startOwnRedis();
  await redis.client.call('ACL', 'SETUSER', 'ferry', 'on', '>ferry-secret', '~*', '&*', '+@all');
  await redis.client.config('SET', 'requirepass', 'default-secret');
});
afterAll(async () => {
  clients.closeAll();
  await redis?.close();
});

const ready = redisReady;

describe('Redis credentials from config', () => {
  it('logs in as REDIS_USERNAME with REDIS_PASSWORD', async () => {
    const c = connect({
      REDIS_URL: `redis://127.0.0.1:${redis.port}`,
      REDIS_USERNAME: 'ferry',
      REDIS_PASSWORD: 'ferry-secret',
    });
    await ready(c);
    expect(await c.call('ACL', 'WHOAMI')).toBe('ferry');
  });

  it('takes the URL’s credentials, and REDIS_PASSWORD wins over them', async () => {
    const fromUrl = connect({ REDIS_URL: `redis://ferry:ferry-secret@127.0.0.1:${redis.port}` });
    await ready(fromUrl);
    expect(await fromUrl.call('ACL', 'WHOAMI')).toBe('ferry');
    const overridden = connect({
      REDIS_URL: `redis://:wrong@127.0.0.1:${redis.port}`,
      REDIS_PASSWORD: 'default-secret',
    });
    await ready(overridden);
    expect(await overridden.call('ACL', 'WHOAMI')).toBe('default');
  });

  it('is refused without them', async () => {
    const c = connect({ REDIS_URL: `redis://127.0.0.1:${redis.port}` });
    await expect(ready(c)).rejects.toThrow(/NOAUTH|WRONGPASS|Authentication required/);
  });
});
