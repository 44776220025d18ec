import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../fixtures/until.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { hashApiKey } from '../../shared/tenants.js';
import { startChildProcess } from '../helpers/child-worker.js';

let stack: LocalStack;
const bucket = `api-${randomUUID().slice(0, 8)}`;
beforeAll(async () => {
  stack = await startLocalStack({ buckets: [bucket] });
});
afterAll(async () => {
  await stack?.close();
});

/** Runs api/server.ts as the production entry would run: its own process, configured by environment only. */
function startApi(env: Record<string, string>) {
  return startChildProcess('api/server.ts', {
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `test-${randomUUID()}`,
    HOST: '127.0.0.1',
    S3_BUCKET: bucket,
    ...stack.env,
    ...env,
  });
}

describe('the API process', () => {
  it('refuses to start without tenants, naming the variable', async () => {
    const api = startApi({ PORT: '0' });
    expect(await api.exited).toBe(1);
    expect(api.output()).toContain('FERRY_TENANTS');
  });

  it('refuses a bad variable, naming it', async () => {
    const api = startApi({ PORT: 'eighty', FERRY_TENANTS: '[]' });
    expect(await api.exited).toBe(1);
    expect(api.output()).toMatch(/PORT/);
  });

  it('serves, then stops cleanly on SIGTERM', async () => {
    const port = String(20_000 + Math.floor(Math.random() * 20_000));
    const tenants = JSON.stringify([{ id: 'acme', apiKeys: [hashApiKey('k')] }]);
    const api = startApi({ PORT: port, FERRY_TENANTS: tenants });
    const url = `http://127.0.0.1:${port}`;
    await until(
      async () => (await fetch(`${url}/healthz`).catch(() => undefined))?.status === 200,
      'the API to listen',
    );
    const res = await fetch(`${url}/v1/jobs/zip_acme_AAAAAAAAAAAAAAAAAAAAAA`, {
      headers: { authorization: 'Bearer k' },
    });
    expect(res.status).toBe(404);
    api.process.kill('SIGTERM');
    expect(await api.exited).toBe(0);
    expect(api.output()).toContain('shutting down');
  });
});
