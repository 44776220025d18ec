import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { freePort } from '../../fixtures/free-port.js';
import {
  makeTestCertificates,
  startOwnTlsRedis,
  type OwnTlsRedis,
  type TestCertificates,
} from '../../fixtures/redis-tls.js';
import { until } from '../../fixtures/until.js';
import { solidPng } from '../../local/sample-files.js';
import { hashApiKey } from '../../shared/tenants.js';
import { startChildProcess } from '../helpers/child-worker.js';
import { configRedisClients, redisReady } from '../helpers/config-redis.js';
import { startHarness, type Harness } from '../helpers/harness.js';

// Redis servers of the test's own that speak TLS only, with certificates of a throwaway CA: one that takes any
// client, one that asks for a client certificate (`--tls-auth-clients yes`).
let certs: TestCertificates;
let open: OwnTlsRedis;
let mutual: OwnTlsRedis;
let files: FileServer;
let h: Harness;
const clients = configRedisClients('test-tls');
const connect = clients.connect;

beforeAll(async () => {
  certs = await makeTestCertificates();
  // One at a time, so that each one started is known to afterAll even if the next one fails to start.
  open = await startOwnTlsRedis(certs, { args: ['--appendonly', 'yes', '--maxmemory-policy', 'noeviction'] });
  mutual = await startOwnTlsRedis(certs, { authClients: 'yes' });
  files = await startFileServer();
  h = await startHarness({ redis: { REDIS_URL: open.url, REDIS_TLS_CA_FILE: certs.caFile } });
}, 60_000);
afterAll(async () => {
  clients.closeAll();
  await h?.close();
  await Promise.all([open?.close(), mutual?.close(), files?.close()]);
  await certs?.close();
});

const ready = redisReady;

describe('ferry on Redis over TLS', () => {
  it('is ready over rediss:// with REDIS_TLS_CA_FILE, and runs a zip job to completion', async () => {
    const readyz = await h.request('GET', '/readyz', { key: null });
    expect(readyz.status, JSON.stringify(readyz.body)).toBe(200);
    expect(readyz.body.redis).toMatchObject({ topology: 'standalone', appendonly: 'yes' });

    files.file('/t/a.png', solidPng(8, 8, [7, 8, 9]), 'image/png');
    const res = await h.request('POST', '/v1/zips', { body: { filename: 'tls', urls: [files.url('/t/a.png')] } });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const job = await h.waitForJob(res.body.id);
    expect(job.state, JSON.stringify(job)).toBe('completed');
    const zip = await h.download(job.result.downloadUrl);
    expect(zip.status).toBe(200);
    // The job really went through the TLS server: its keys are there.
    const keys = await open.client.keys(`${h.config.QUEUE_PREFIX}:*`);
    expect(keys.some((k) => k.endsWith(`:${res.body.id}`))).toBe(true);
  });

  it('refuses a server whose certificate it cannot check (no CA) with a certificate error, not a hang', async () => {
    const c = connect({ REDIS_URL: open.url });
    await expect(ready(c)).rejects.toThrow(/self-signed certificate in certificate chain/);
    // The API's client fails a command at once rather than waiting for a connection that will never be made.
    await expect(c.ping()).rejects.toThrow();
  });

  it('presents REDIS_TLS_CERT_FILE/REDIS_TLS_KEY_FILE to a server that asks for a client certificate', async () => {
    const withCert = connect({
      REDIS_URL: mutual.url,
      REDIS_TLS_CA_FILE: certs.caFile,
      REDIS_TLS_CERT_FILE: certs.clientCertFile,
      REDIS_TLS_KEY_FILE: certs.clientKeyFile,
    });
    await ready(withCert);
    expect(await withCert.ping()).toBe('PONG');

    // Without one the server ends the handshake: with TLS 1.3 the client learns it as a reset on its first write
    // (or as the server's `certificate required` alert, when that is read first).
    const without = connect({ REDIS_URL: mutual.url, REDIS_TLS_CA_FILE: certs.caFile });
    await expect(ready(without)).rejects.toThrow(/ECONNRESET|EPIPE|certificate required/);
  });
});

/** Runs api/server.ts in a process of its own, configured by environment only (as in production). */
function startApiProcess(env: Record<string, string>) {
  return startChildProcess('api/server.ts', {
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    FERRY_TENANTS: JSON.stringify([{ id: 'acme', apiKeys: [hashApiKey('k')] }]),
    // S3 and DynamoDB are never reached here: /readyz probes them, and a closed port answers at once.
    S3_ENDPOINT: 'http://127.0.0.1:9',
    DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
    ...env,
  });
}

describe('the API process with Redis over TLS', () => {
  it('stops at start when REDIS_TLS_CA_FILE cannot be read, naming the variable', async () => {
    const api = startApiProcess({ PORT: '0', REDIS_URL: open.url, REDIS_TLS_CA_FILE: '/nonexistent/ca.pem' });
    expect(await api.exited).toBe(1);
    expect(api.output()).toMatch(/REDIS_TLS_CA_FILE: cannot read \/nonexistent\/ca\.pem/);
  });

  it('without the CA: /readyz is 503 and the API refuses jobs with 503 at once, logging the certificate error', async () => {
    const port = await freePort();
    const api = startApiProcess({ PORT: String(port), REDIS_URL: open.url });
    try {
      const url = `http://127.0.0.1:${port}`;
      await until(async () => (await fetch(`${url}/healthz`).catch(() => undefined))?.status === 200, 'the API');
      const readyz = await fetch(`${url}/readyz`);
      expect(readyz.status).toBe(503);
      const checks = ((await readyz.json()) as { checks: Record<string, { ok: boolean; error?: string }> }).checks;
      expect(checks.redis).toEqual({
        ok: false,
        error:
          'the Redis primary does not answer (last connection error: self-signed certificate in certificate chain)',
      });
      const res = await fetch(`${url}/v1/zips`, {
        method: 'POST',
        headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
        body: JSON.stringify({ urls: ['https://example.com/a.png'] }),
      });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unavailable');
      expect(api.output()).toContain('self-signed certificate in certificate chain');
    } finally {
      api.process.kill('SIGKILL');
      await api.exited;
    }
  });
});
