import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.js';
import { connectRedis, redisTopology } from '../../shared/redis-topology.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
let dir: string;
let pem: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-tls-config-'));
  pem = join(dir, 'ca.pem');
  await writeFile(pem, PEM);
  await writeFile(join(dir, 'not-pem.txt'), 'hello');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const failure = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  return undefined;
};

describe('Redis TLS files from config', () => {
  it('reads the CA and client certificate files once into the topology', () => {
    const t = redisTopology(
      loadConfig({
        REDIS_URL: 'rediss://redis.example:6380',
        REDIS_TLS_CA_FILE: pem,
        REDIS_TLS_CERT_FILE: pem,
        REDIS_TLS_KEY_FILE: pem,
      }),
    );
    expect(t.tlsFiles).toEqual({ ca: PEM, cert: PEM, key: PEM });
  });

  it('stops start-up on a path that cannot be read or holds no PEM, naming the variable', () => {
    const env = { REDIS_TLS: 'true' };
    expect(failure(() => redisTopology(loadConfig({ ...env, REDIS_TLS_CA_FILE: join(dir, 'nope.pem') })))).toMatch(
      /REDIS_TLS_CA_FILE: cannot read .*nope\.pem: ENOENT/,
    );
    expect(failure(() => redisTopology(loadConfig({ ...env, REDIS_TLS_CA_FILE: join(dir, 'not-pem.txt') })))).toMatch(
      /REDIS_TLS_CA_FILE: .*not-pem\.txt holds no PEM block/,
    );
    expect(
      failure(() =>
        redisTopology(loadConfig({ ...env, REDIS_TLS_CERT_FILE: pem, REDIS_TLS_KEY_FILE: join(dir, 'k.pem') })),
      ),
    ).toMatch(/REDIS_TLS_KEY_FILE: cannot read/);
  });

  it('refuses a certificate without its key, and TLS files while TLS is off', () => {
    expect(failure(() => loadConfig({ REDIS_TLS: 'true', REDIS_TLS_CERT_FILE: pem }))).toMatch(
      /REDIS_TLS_KEY_FILE: REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE go together/,
    );
    expect(failure(() => loadConfig({ REDIS_URL: 'redis://r:6379', REDIS_TLS_CA_FILE: pem }))).toMatch(
      /REDIS_TLS_CA_FILE: needs TLS on/,
    );
    // rediss:// turns TLS on for REDIS_URL only: with sentinels it is REDIS_TLS.
    const sentinels = { REDIS_URL: 'rediss://r:6379', REDIS_SENTINELS: 's:26379', REDIS_SENTINEL_NAME: 'm' };
    expect(failure(() => loadConfig({ ...sentinels, REDIS_TLS_CA_FILE: pem }))).toMatch(/REDIS_TLS_CA_FILE: needs/);
    expect(loadConfig({ ...sentinels, REDIS_TLS: 'true', REDIS_TLS_CA_FILE: pem }).REDIS_TLS_CA_FILE).toBe(pem);
  });

  it('passes them to ioredis: tls of a server, sentinelTLS of the sentinels, redisOptions.tls of a cluster', () => {
    const connect = (env: Record<string, string>) => {
      // lazy: nothing listens; only the options are looked at.
      const c = connectRedis(redisTopology(loadConfig({ REDIS_TLS_CA_FILE: pem, ...env })), 'test-tls');
      c.on('error', () => undefined);
      c.disconnect();
      return c.options as Record<string, unknown>;
    };
    expect(connect({ REDIS_URL: 'rediss://127.0.0.1:1' }).tls).toEqual({ ca: PEM });
    const sentinel = connect({ REDIS_TLS: 'true', REDIS_SENTINELS: '127.0.0.1:1', REDIS_SENTINEL_NAME: 'm' });
    expect(sentinel).toMatchObject({ tls: { ca: PEM }, sentinelTLS: { ca: PEM }, enableTLSForSentinelMode: true });
    const cluster = connect({ REDIS_TLS: 'true', REDIS_CLUSTER_NODES: '127.0.0.1:1' });
    expect(cluster.redisOptions).toMatchObject({ tls: { ca: PEM } });
  });
});
