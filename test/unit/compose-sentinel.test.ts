import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../shared/config.js';
import { redisTopology } from '../../shared/redis-topology.js';

// Docker is not on the development machines: the Sentinel compose variant is checked as data, with the base file
// (`<<:` merge keys resolved as compose resolves them).
const read = (name: string) =>
  parse(readFileSync(new URL(`../../${name}`, import.meta.url), 'utf8'), { merge: true }) as {
    services: Record<string, { command?: unknown; environment?: Record<string, string>; depends_on?: object }>;
  };

describe('docker-compose.sentinel.yml', () => {
  const base = read('docker-compose.yml');
  const sentinel = read('docker-compose.sentinel.yml');

  it('adds a replica and three sentinels that monitor the base file’s redis service', () => {
    expect(Object.keys(sentinel.services)).toEqual(
      expect.arrayContaining(['redis-replica', 'sentinel-1', 'sentinel-2', 'sentinel-3']),
    );
    expect(base.services.redis).toBeDefined();
    expect(JSON.stringify(sentinel.services['redis-replica']!.command)).toContain('"--replicaof","redis","6379"');
    for (const name of ['sentinel-1', 'sentinel-2', 'sentinel-3']) {
      const script = (sentinel.services[name]!.command as string[]).join('\n');
      expect(script).toContain('sentinel monitor ferry redis 6379 2');
      expect(script).toContain('--sentinel');
    }
  });

  it('points the api, worker and setup at the sentinels with a config ferry accepts', () => {
    for (const name of ['api', 'worker', 'ferry-setup']) {
      expect(base.services[name], name).toBeDefined();
      const env = { ...base.services[name]!.environment, ...sentinel.services[name]!.environment };
      const topology = redisTopology(loadConfig(env));
      expect(topology).toMatchObject({ kind: 'sentinel', name: 'ferry' });
      if (topology.kind === 'sentinel') {
        expect(topology.sentinels.map((s) => s.host)).toEqual(['sentinel-1', 'sentinel-2', 'sentinel-3']);
      }
    }
  });
});
