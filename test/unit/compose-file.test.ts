import { readFileSync } from 'node:fs';
import { parse as parseEnv } from 'dotenv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../shared/config.js';
import { loadTenants } from '../../shared/tenants.js';

// No Docker engine on the development machines: docker-compose.yml is checked as data (`<<:` merge keys resolved
// as compose resolves them); .ci/run also runs `docker compose config` where such a binary exists.
interface Service {
  image?: string;
  build?: unknown;
  command?: unknown;
  environment?: Record<string, string>;
  env_file?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  restart?: string;
  volumes?: string[];
}
const text = (name: string) => readFileSync(new URL(`../../${name}`, import.meta.url), 'utf8');
const compose = parse(text('docker-compose.yml'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const s = compose.services;
const probe = (name: string) => JSON.stringify(s[name]!.healthcheck?.test ?? []);

describe('docker-compose.yml from cold', () => {
  it('health checks wait for readiness: redis-cli ping, MinIO /minio/health/ready, a real DynamoDB request', () => {
    expect(probe('redis')).toContain('redis-cli');
    expect(probe('redis')).toContain('ping');
    expect(probe('minio')).toContain('/minio/health/ready');
    expect(probe('dynamodb-local')).toContain('DynamoDB_20120810.ListTables');
  });

  it('ferry-setup is retried until it succeeds, once its stores are healthy; the services wait for it', () => {
    expect(s['ferry-setup']!.restart).toBe('on-failure');
    expect(s['ferry-setup']!.depends_on).toMatchObject({
      redis: { condition: 'service_healthy' },
      'dynamodb-local': { condition: 'service_healthy' },
      'minio-init': { condition: 'service_completed_successfully' },
    });
    for (const name of ['api', 'worker', 'media']) {
      expect(s[name]!.depends_on?.['ferry-setup'], name).toEqual({ condition: 'service_completed_successfully' });
    }
  });

  it('keeps DynamoDB Local on a volume, not in memory', () => {
    const command = JSON.stringify(s['dynamodb-local']!.command);
    expect(command).toContain('-sharedDb');
    expect(command).toContain('-dbPath');
    expect(command).not.toContain('-inMemory');
    expect(s['dynamodb-local']!.volumes?.[0]).toMatch(/^dynamodb-data:/);
    expect(compose.volumes).toHaveProperty('dynamodb-data');
  });

  it('builds one image once, and pins every other image (MinIO and mc by release tag)', () => {
    const builders = Object.entries(s).filter(([, v]) => v.build !== undefined);
    expect(builders.map(([k]) => k)).toEqual(['ferry-setup']);
    for (const [name, v] of Object.entries(s)) {
      expect(v.image, name).toBeDefined();
      if (v.image!.startsWith('ferry:')) expect(v.image, name).toBe('ferry:local');
      else expect(v.image, name).toMatch(/:[\w.-]+$/);
      expect(v.image, name).not.toMatch(/:latest$/);
    }
    expect(s.minio!.image).toMatch(/^minio\/minio:RELEASE\.\d{4}-/);
    expect(s['minio-init']!.image).toMatch(/^minio\/mc:RELEASE\.\d{4}-/);
  });

  it('gives the worker a temp volume for its downloads', () => {
    const tempDir = s.worker!.environment!.TEMP_DIR!;
    expect(s.worker!.volumes).toContain(`worker-tmp:${tempDir}`);
    expect(text('Dockerfile')).toContain(`chown node:node ${tempDir}`);
  });

  it('takes the tenant (with a webhook secret) and the board credentials from the example .env file', () => {
    const env = parseEnv(text('.env.compose.example'));
    for (const name of ['api', 'worker', 'media']) expect(s[name]!.env_file, name).toEqual(['.env.compose']);
    expect(text('.gitignore')).toContain('.env.compose');
    const config = loadConfig({ ...s.api!.environment, ...env });
    expect(config.BULL_BOARD_USER).toBeTruthy();
    expect(config.BULL_BOARD_PASSWORD).toBeTruthy();
    const tenants = loadTenants(config);
    expect(tenants?.[0]?.webhookSecret).toMatch(/^whsec_/);
  });

  it('the example job fetches the sample server, which the SSRF guard lets through by its address', () => {
    expect(text('docker-compose.yml')).toContain('"urls":["http://samples:8080/red.png"]');
    const address = (s.samples as { networks: { default: { ipv4_address: string } } }).networks.default.ipv4_address;
    expect(loadConfig(s.worker!.environment).SSRF_ALLOW_IPS).toEqual([address]);
    expect(text('docker-compose.yml')).not.toContain('files.example.com');
  });
});
