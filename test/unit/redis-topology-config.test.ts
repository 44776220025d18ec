import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.js';
import { describeTopology, redisTopology } from '../../shared/redis-topology.js';

const configError = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    return (err as Error).message;
  }
  return undefined;
};

describe('Redis topology from config', () => {
  it('is standalone on REDIS_URL by default, with the URL credentials kept', () => {
    const t = redisTopology(loadConfig({ REDIS_URL: 'rediss://u:p@redis.example:6380' }));
    expect(t).toMatchObject({ kind: 'standalone', url: 'rediss://u:p@redis.example:6380', tls: false });
    expect(describeTopology(t)).toBe('redis.example:6380');
  });

  it('is a cluster with REDIS_CLUSTER_NODES, winning over REDIS_URL, and defaults the prefix to {ferry}', () => {
    const c = loadConfig({
      REDIS_URL: 'redis://ignored:6379',
      REDIS_CLUSTER_NODES: '10.0.0.1:7000, [::1]:7001',
      REDIS_PASSWORD: 'secret',
      REDIS_TLS: 'true',
    });
    expect(c.QUEUE_PREFIX).toBe('{ferry}');
    expect(redisTopology(c)).toMatchObject({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '::1', port: 7001 },
      ],
      password: 'secret',
      tls: true,
    });
  });

  it('refuses a cluster prefix without a hash tag, naming QUEUE_PREFIX; accepts one with a tag', () => {
    const nodes = { REDIS_CLUSTER_NODES: '127.0.0.1:7000' };
    expect(configError({ ...nodes, QUEUE_PREFIX: 'ferry' })).toMatch(/QUEUE_PREFIX: must carry a hash tag/);
    expect(configError({ ...nodes, QUEUE_PREFIX: 'ferry{}' })).toMatch(/QUEUE_PREFIX/);
    expect(loadConfig({ ...nodes, QUEUE_PREFIX: 'prod-{ferry}' }).QUEUE_PREFIX).toBe('prod-{ferry}');
    // Braces are allowed without a cluster too (the same prefix works on both).
    expect(loadConfig({ QUEUE_PREFIX: '{ferry}' }).QUEUE_PREFIX).toBe('{ferry}');
  });

  it('is Sentinel with REDIS_SENTINELS and needs REDIS_SENTINEL_NAME', () => {
    expect(configError({ REDIS_SENTINELS: '127.0.0.1:26379' })).toMatch(/REDIS_SENTINEL_NAME: required/);
    const t = redisTopology(
      loadConfig({
        REDIS_SENTINELS: 's1:26379,s2:26379',
        REDIS_SENTINEL_NAME: 'mymaster',
        REDIS_SENTINEL_PASSWORD: 'sp',
      }),
    );
    expect(t).toMatchObject({
      kind: 'sentinel',
      name: 'mymaster',
      sentinelPassword: 'sp',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
      ],
    });
    expect(describeTopology(t)).toBe('sentinels s1:26379,s2:26379 (mymaster)');
  });

  it('refuses malformed node lists, both topologies at once, and WAIT on a cluster', () => {
    expect(configError({ REDIS_CLUSTER_NODES: 'nohost' })).toMatch(/REDIS_CLUSTER_NODES: host:port/);
    expect(configError({ REDIS_CLUSTER_NODES: 'a:1', REDIS_SENTINELS: 'b:2', REDIS_SENTINEL_NAME: 'm' })).toMatch(
      /REDIS_SENTINELS: set either/,
    );
    expect(configError({ REDIS_CLUSTER_NODES: 'a:1', REDIS_WAIT_REPLICAS: '1' })).toMatch(/REDIS_WAIT_REPLICAS/);
    expect(configError({ REDIS_WAIT_REPLICAS: '1', REDIS_WAIT_TIMEOUT_MS: '1000' })).toMatch(/REDIS_WAIT_TIMEOUT_MS/);
  });
});
